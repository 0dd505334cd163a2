// Original file: proto/types.proto


export interface GlobalService {
}

export interface GlobalService__Output {
}
