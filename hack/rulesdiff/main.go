// Command rulesdiff compares the RBAC rules of two Roles or ClusterRoles by the permissions they grant, not
// by their text: rules may be split, merged or reordered and still compare equal. hack/check-chart.sh uses it
// to prove that the chart's operator ClusterRole grants exactly what controller-gen generated into
// config/rbac/role.yaml.
//
//	go run ./hack/rulesdiff -want config/rbac/role.yaml -got rendered.yaml -got-name langflix-operator
//
// Exit status: 0 when both grant the same permissions, 1 when they differ (each difference is printed),
// 2 when a file cannot be read or holds no such role.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rulesdiff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wantFile := fs.String("want", "", "YAML file with the expected role (required)")
	wantName := fs.String("want-name", "", "name of the expected role; empty takes the file's only Role or ClusterRole")
	gotFile := fs.String("got", "", "YAML file with the role to check, e.g. helm template output (required)")
	gotName := fs.String("got-name", "", "name of the role to check; empty takes the file's only Role or ClusterRole")
	kind := fs.String("kind", "ClusterRole", "kind of the expected role (and of the checked one unless -got-kind): ClusterRole or Role")
	gotKind := fs.String("got-kind", "", "kind of the role to check, when it differs from -kind (a namespaced install renders the ClusterRole's rules as Roles)")
	gotNamespace := fs.String("got-namespace", "", "namespace of the role to check; empty takes any (needed when Roles of one name live in several namespaces)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *wantFile == "" || *gotFile == "" {
		fmt.Fprintln(stderr, "rulesdiff: -want and -got are required")
		fs.Usage()
		return 2
	}
	want, err := loadRole(*wantFile, *kind, *wantName, "")
	if err != nil {
		fmt.Fprintln(stderr, "rulesdiff:", err)
		return 2
	}
	if *gotKind == "" {
		*gotKind = *kind
	}
	got, err := loadRole(*gotFile, *gotKind, *gotName, *gotNamespace)
	if err != nil {
		fmt.Fprintln(stderr, "rulesdiff:", err)
		return 2
	}
	missing, extra := diff(permissions(want.Rules), permissions(got.Rules))
	if len(missing) == 0 && len(extra) == 0 {
		fmt.Fprintf(stdout, "%s %s (%s) grants the same permissions as %s (%s)\n", *gotKind, got.ref(), *gotFile, want.Metadata.Name, *wantFile)
		return 0
	}
	fmt.Fprintf(stdout, "%s %s (%s) differs from %s (%s):\n", *gotKind, got.ref(), *gotFile, want.Metadata.Name, *wantFile)
	for _, p := range missing {
		fmt.Fprintf(stdout, "  - missing: %s\n", p)
	}
	for _, p := range extra {
		fmt.Fprintf(stdout, "  + extra:   %s\n", p)
	}
	return 1
}
