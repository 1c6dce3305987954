package sebs

// UpstreamByDecoding is the test oracle for AppendUpstreamJSON: encoding/json's decoding and encoding, which
// AppendUpstreamJSON also falls back on.
var UpstreamByDecoding = upstreamByDecoding
