// Package column holds the in-memory columnar representation shared by
// storage, ingest, the query engine and the output encoders.
package column
