package gen

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"clickhunt/ingest"
	"clickhunt/storage"
)

// TestMessageTraceFile keeps examples/messagetrace.csv in step.
func TestMessageTraceFile(t *testing.T) {
	want, err := os.ReadFile("../messagetrace.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := WriteMessageTrace(&got, Example); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("examples/messagetrace.csv differs from the generator's output: run go generate ./examples/gen")
	}
}

// TestMessageTraceJoins ingests both example files and checks every click's
// NetworkMessageId has its message in MessageTrace, in the same form.
func TestMessageTraceJoins(t *testing.T) {
	db, err := storage.Open(t.TempDir(), storage.Options{Small: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, f := range []string{"clicks.csv", "messagetrace.csv"} {
		if _, err := ingest.File(ctx, db, filepath.Join("..", f), ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(table string) map[string]bool {
		snap, err := db.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		ti, err := snap.Table(table)
		if err != nil {
			t.Fatal(err)
		}
		col, _ := ti.Column("NetworkMessageId")
		blocks, _ := snap.Blocks(ti)
		out := map[string]bool{}
		for i := range blocks {
			v, err := snap.ReadColumn(ti, &blocks[i], col)
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < v.Len; r++ {
				if s := v.Str(r); s != "" {
					out[s] = true
				}
			}
		}
		return out
	}
	clicks, trace := ids("UrlClickEvents"), ids("MessageTrace")
	if len(clicks) == 0 || len(clicks) != len(trace) {
		t.Fatalf("%d ids in clicks, %d in MessageTrace", len(clicks), len(trace))
	}
	for id := range clicks {
		if !trace[id] {
			t.Fatalf("click id %s has no message", id)
		}
	}
}
