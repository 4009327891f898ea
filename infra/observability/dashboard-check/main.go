// dashboard-check loads Grafana dashboard JSON files with Grafana's foundation SDK, strictly: a
// required field absent, a field of the wrong type or an unknown field is an error. Built once into
// the project's tools folder by infra/src/deploy-tools.ts; run by infra/test/observability.deploy.spec.ts.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// failure is err, unless it is the SDK's empty list of errors: it returns its cog.BuildErrors as an
// error even when the list is empty (an interface holding a nil slice), which is no error at all.
func failure(err error) error {
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

func main() {
	// Panel options and queries are decoded by their plugin's types (timeseries, stat, prometheus, …).
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, path := range os.Args[1:] {
		raw, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
			continue
		}
		var loaded dashboard.Dashboard
		if err := failure(loaded.UnmarshalJSONStrict(raw)); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
			continue
		}
		if err := failure(loaded.Validate()); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
			continue
		}
		title := ""
		if loaded.Title != nil {
			title = *loaded.Title
		}
		fmt.Printf("%s: dashboard %q, %d panels\n", path, title, len(loaded.Panels))
	}
	if failed {
		os.Exit(1)
	}
}
