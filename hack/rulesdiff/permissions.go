package main

import (
	"fmt"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
)

// permissions expands rules into single grants, one per API group, resource, resource name (or all names)
// and verb, or per non-resource URL and verb. Two rule lists grant the same access exactly when their
// expansions are equal, whatever way the rules are split or ordered.
func permissions(rules []rbacv1.PolicyRule) map[string]bool {
	out := map[string]bool{}
	for _, r := range rules {
		for _, verb := range r.Verbs {
			for _, url := range r.NonResourceURLs {
				out[fmt.Sprintf("nonResourceURL=%s verb=%s", url, verb)] = true
			}
			names := r.ResourceNames
			if len(names) == 0 {
				names = []string{"<any>"}
			}
			for _, group := range r.APIGroups {
				for _, resource := range r.Resources {
					for _, name := range names {
						out[fmt.Sprintf("group=%q resource=%s name=%s verb=%s", group, resource, name, verb)] = true
					}
				}
			}
		}
	}
	return out
}

// diff returns, sorted, the grants only in want (missing) and only in got (extra).
func diff(want, got map[string]bool) (missing, extra []string) {
	for p := range want {
		if !got[p] {
			missing = append(missing, p)
		}
	}
	for p := range got {
		if !want[p] {
			extra = append(extra, p)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}
