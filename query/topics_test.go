package query

import (
	"context"
	"testing"

	"clickhunt/ingest"
)

// TestTopicExamples runs every documented example: those that read no
// table through the engine, the others planned against the tables
// clickhunt knows (UrlClickEvents ...).
func TestTopicExamples(t *testing.T) {
	n := 0
	for _, tp := range Topics() {
		if tp.Example == "" {
			continue // plan's TestTopicsComplete says which may lack one
		}
		n++
		_, err := Run(context.Background(), nil, tp.Example, Options{Now: scriptNow, MaxMemory: 1 << 28})
		if err == nil {
			continue
		}
		if err2 := CheckSchemas(ingest.Schemas, tp.Example); err2 != nil {
			t.Errorf("%s %s: example %q: %v", tp.Kind, tp.Name, tp.Example, err)
		}
	}
	if n == 0 {
		t.Fatal("no topic has an example")
	}
}
