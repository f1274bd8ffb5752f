// Package ingest maps export files onto table schemas and stores them.
//
// Read parses one export into blocks of at most storage.BlockRows rows and
// hands them to a Sink; File hashes a file, skips content seen before, and
// stores the rest through a storage.FileWriter, whole or not at all.
//
// Formats: CSV with a header row (Advanced Hunting's "Export" button), a
// JSON array of row objects, and JSON lines. Columns of a known table (see
// Schemas) get their canonical types; other columns are strings in CSV and
// take their JSON type in JSON. A bad row stops the file with an *Error
// reading file:line: what is wrong.
package ingest
