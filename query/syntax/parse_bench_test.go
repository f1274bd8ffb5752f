package syntax

import "testing"

func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(sampleQuery)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(sampleQuery); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	s, err := Parse(sampleQuery)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = s.String()
	}
}

// BenchmarkBuildParser builds the grammar, which a fresh process does on
// a goroutine of its own while it opens the database: a one-shot query
// waits for it.
func BenchmarkBuildParser(b *testing.B) {
	kqlLexer()
	b.ReportAllocs()
	for b.Loop() {
		buildParser()
	}
}
