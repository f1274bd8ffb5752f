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
