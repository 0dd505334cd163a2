/** docker/cli's command.PrettyPrint for strings: the first letter upper case, the rest lower case. */
export function prettyPrint(s: string): string {
  if (s.length <= 1) return s.toLowerCase();
  return s[0]!.toUpperCase() + s.slice(1).toLowerCase();
}

/**
 * PrettyPrint of a time.Time: Go's Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST")
 * of an RFC 3339 UTC time, run through PrettyPrint (so the zone reads "utc").
 */
export function prettyTime(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(rfc3339);
  if (!m) return prettyPrint(rfc3339);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  return prettyPrint(`${m[1]} ${m[2]}${frac === "." ? "" : frac} +0000 UTC`);
}

const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

/** go-units' BytesSize: binary units, four significant digits ("20MiB", "1.953GiB"). */
export function bytesSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < BINARY_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${Number(size.toPrecision(4))}${BINARY_UNITS[unit]}`;
}
