// Original file: proto/ca.proto


export interface NodeCertificateStatusRequest {
  'node_id'?: (string);
}

export interface NodeCertificateStatusRequest__Output {
  'node_id': (string);
}
