package report

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clickhunt/ingest"
	"clickhunt/storage"
)

// --tenant keeps one tenant's clicks where the export carries TenantId, and
// is a parameter error where it does not.
func TestTenantFilter(t *testing.T) {
	f, err := FilterArgs{Tenant: []string{"t-1"}}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Where(), `| where TenantId in~ ("t-1")`) {
		t.Fatalf("where: %q", f.Where())
	}
	if f.Values().Get("tenant") != "t-1" || !strings.Contains(f.String(), "tenant t-1") {
		t.Fatalf("values %v, string %q", f.Values(), f.String())
	}

	// Without a TenantId column: a clear parameter error.
	snap := snapshot(t, exampleDB(t, false))
	_, err = Run(context.Background(), snap, f, Options{})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "tenant" {
		t.Fatalf("report on clicks without TenantId: %v, want a tenant parameter error", err)
	}

	// With one: only that tenant's clicks count.
	dir := t.TempDir()
	csv := filepath.Join(dir, "tenants.csv")
	rows := "Timestamp,Url,ActionType,AccountUpn,Workload,ThreatTypes,IsClickedThrough,ReportId,TenantId\n" +
		"2024-01-01T10:00:00Z,https://a.example/,ClickBlocked,a@contoso.com,Email,Phish,False,r1,t-1\n" +
		"2024-01-01T11:00:00Z,https://b.example/,ClickAllowed,b@contoso.com,Email,,False,r2,t-1\n" +
		"2024-01-01T12:00:00Z,https://c.example/,ClickAllowed,c@fabrikam.com,Teams,,False,r3,T-2\n"
	if err := os.WriteFile(csv, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(filepath.Join(dir, "db"), storage.Options{Small: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := ingest.File(context.Background(), db, csv, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	s2, err := db.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for tenant, want := range map[string]int64{"t-1": 2, "t-2": 1, "t-3": 0} {
		ft, _ := FilterArgs{Tenant: []string{tenant}}.Parse()
		rep, err := Run(context.Background(), s2, ft, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.TotalClicks != want {
			t.Errorf("tenant %s: %d clicks, want %d", tenant, rep.TotalClicks, want)
		}
	}
}
