package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// role is the part of a Role or ClusterRole that rulesdiff reads.
type role struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Rules []rbacv1.PolicyRule `json:"rules"`
}

// ref is the role's name, with its namespace for a Role.
func (r role) ref() string {
	if r.Metadata.Namespace == "" {
		return r.Metadata.Name
	}
	return r.Metadata.Namespace + "/" + r.Metadata.Name
}

// errNoRole is returned when a file holds no role of the asked kind and name.
var errNoRole = errors.New("no such role")

// loadRole reads the role of the given kind from a file of one or more YAML documents, from namespace when it
// is not empty. An empty name takes the only role of that kind and fails when there are several, so a caller
// never compares the wrong one.
func loadRole(path, kind, name, namespace string) (role, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return role{}, err
	}
	all, err := parseRoles(data, kind)
	if err != nil {
		return role{}, fmt.Errorf("%s: %w", path, err)
	}
	var roles []role
	for _, r := range all {
		if namespace == "" || r.Metadata.Namespace == namespace {
			roles = append(roles, r)
		}
	}
	if namespace != "" && len(roles) == 0 {
		return role{}, fmt.Errorf("%s: %w: no %s in namespace %q", path, errNoRole, kind, namespace)
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Metadata.Name)
		if r.Metadata.Name == name {
			return r, nil
		}
	}
	if name == "" && len(roles) == 1 {
		return roles[0], nil
	}
	if name == "" {
		return role{}, fmt.Errorf("%s: %w: %d %ss (%s), pass a name", path, errNoRole, len(roles), kind, strings.Join(names, ", "))
	}
	return role{}, fmt.Errorf("%s: %w: no %s %q (found: %s)", path, errNoRole, kind, name, strings.Join(names, ", "))
}

// parseRoles returns every document of the given kind.
func parseRoles(data []byte, kind string) ([]role, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var roles []role
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return roles, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		var r role
		if err := yaml.Unmarshal(doc, &r); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if r.Kind != kind {
			continue
		}
		roles = append(roles, r)
	}
}
