package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"clickhunt/report"
)

// reportFilterFlags are the report's filters as command-line flags.
type reportFilterFlags struct {
	From    string   `placeholder:"TIME" help:"Clicks at or after TIME (ISO 8601 or a date; without a zone, in --tz)."`
	To      string   `placeholder:"TIME" help:"Clicks before TIME (ISO 8601 or a date; without a zone, in --tz)."`
	Last    string   `placeholder:"7d|30d|90d" help:"Clicks in the last N days of the data (counted back from its newest click)."`
	Verdict []string `placeholder:"V" help:"Verdicts to keep: Safe, Malicious, Blocked, 'Pending Verdict', 'User Override' (comma-separated or repeated)."`
	Action  []string `placeholder:"A" help:"Actions to keep: Allowed, Blocked, 'User Override', Pending, Error."`
	Source  []string `placeholder:"S" help:"Click sources to keep: Email, Teams, Office."`
	User    []string `placeholder:"UPN" help:"Users to keep (any case); with --group, the users and the groups' members."`
	Group   []string `placeholder:"G" help:"Groups whose members to keep (names from --group-file, any case)."`
	Tenant  []string `placeholder:"ID" help:"Tenants to keep (TenantId, any case: Sentinel's exports carry it, the portal's a Tenant column)."`
	TZ      string   `name:"tz" placeholder:"ZONE" help:"Time zone the report shows times and counts days and hours in (IANA name, e.g. Europe/Berlin; default UTC)."`
}

// reportFilesFlags name the files the report's filters read.
type reportFilesFlags struct {
	GroupFile string `type:"existingfile" placeholder:"FILE" help:"CSV of user,group rows (one per membership) that --group names groups from."`
}

func (f reportFilterFlags) args(groups *report.Groups) report.FilterArgs {
	return report.FilterArgs{From: f.From, To: f.To, Last: f.Last, Verdict: f.Verdict, Action: f.Action, Source: f.Source, User: f.User,
		Group: f.Group, Tenant: f.Tenant, TZ: f.TZ, Groups: groups}
}

// loadGroups reads --group-file (nil without one).
func loadGroups(path string) (*report.Groups, error) {
	if path == "" {
		return nil, nil
	}
	return report.LoadGroups(path)
}

type reportCmd struct {
	reportFilterFlags
	reportFilesFlags
	Format string `enum:"auto,html,csv,json" default:"auto" help:"Output: html, csv or json (default: from --out's extension, else html)."`
	Out    string `required:"" placeholder:"FILE" help:"File to write ('-' for standard output)."`

	clusterFlags // the report of a Kusto cluster's clicks (cluster.go)
}

func (reportCmd) Help() string {
	return `Writes the Safe Links report over the database's UrlClickEvents (and
MessageTrace, when loaded), as an analyst reads it: the headline figures
(clicks, malicious clicks, users who clicked through, the override rate,
users at risk); each clicked-through warning with its message; clicks by
verdict, action and source; clicks per day by verdict, one small chart per
verdict; the most clicked malicious domains and URLs; users with the most
blocked clicks; repeat offenders; the user-override rate per day and per
user; clicks by hour and weekday; the latest clicks in the report's
columns (Date, User, Original URL, Verdict, Action, Click Source, IP
Address, Device, Message Subject).

Every section is a KQL query from examples/report/*.kql; the filters are
where clauses added to its first let statements, and the HTML shows each
query as run. Times are to the second in --tz. The HTML file is
self-contained: inline SVG charts, no script, nothing fetched.`
}

func runReport(ctx context.Context, dbDir string, c *reportCmd, stdout, stderr io.Writer) int {
	groups, err := loadGroups(c.GroupFile)
	if err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: --group-file: %v\n", err)
		return 2
	}
	f, err := c.args(groups).Parse()
	if err != nil {
		var pe *report.ParamError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "clickhunt: error: --%s: %s\n", pe.Param, pe.Msg)
		} else {
			fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		}
		return 2
	}
	format := c.Format
	if format == "auto" {
		format = "html"
		switch strings.ToLower(filepath.Ext(c.Out)) {
		case ".csv":
			format = "csv"
		case ".json":
			format = "json"
		}
	}
	if err := c.clusterFlags.check(); err != nil {
		fmt.Fprintf(stderr, "clickhunt: error: %v\n", err)
		return 2
	}
	src, done, err := openSource(ctx, dbDir, c.clusterFlags, true)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer done()
	rep, err := report.RunOn(ctx, src, f, report.Options{MaxMemory: defaultMaxMemory})
	if err != nil {
		var pe *report.ParamError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "clickhunt: error: --%s: %s\n", pe.Param, pe.Msg)
			return 2
		}
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if c.Out == "-" {
		if err := rep.Write(stdout, format); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		return 0
	}
	// Written beside the target and renamed, so a failed run never leaves
	// half a report under the name.
	tmp, err := os.CreateTemp(filepath.Dir(c.Out), "."+filepath.Base(c.Out)+".*")
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	defer os.Remove(tmp.Name())
	err = rep.Write(tmp, format)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.Out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: cannot write %s: %v\n", c.Out, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: Safe Links report (%s) of %d clicks, %s, %d sections\n", c.Out, format, rep.TotalClicks, rep.Filter, len(rep.Sections))
	return 0
}
