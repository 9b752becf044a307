package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// The API server's audit log is the only record of who made a request: apiserver_request_total counts by
// verb and resource, not by client. bench-scale.sh starts the API server with a policy that logs, at the
// Metadata level, the write requests of the ServiceAccounts of the operator's namespace and of the progress
// phase's runners (auditPolicy below), and nothing else.

// auditPolicy is the policy file bench-scale.sh hands the API server (printed by `scale audit-policy`).
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  userGroups: ["system:serviceaccounts:` + operatorNamespace + `", "system:serviceaccounts:` + progressNamespace + `"]
  verbs: [create, update, patch, delete, deletecollection]
- level: None
`

// leaderElectionSuffix marks the requests of the operator in its own namespace.
const leaderElectionSuffix = "(leader election)"

// auditRecord is the part of an audit event the figures use.
type auditRecord struct {
	Verb string `json:"verb"`
	User struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef struct {
		Namespace   string `json:"namespace"`
		Resource    string `json:"resource"`
		Subresource string `json:"subresource"`
		APIGroup    string `json:"apiGroup"`
	} `json:"objectRef"`
	ResponseStatus struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
}

// what is the request as "verb resource[/subresource]"; patch requests of server-side apply are logged as
// "patch" like any other.
func (r auditRecord) what() string {
	res := r.ObjectRef.Resource
	if r.ObjectRef.Subresource != "" {
		res += "/" + r.ObjectRef.Subresource
	}
	return r.Verb + " " + res
}

// auditLog reads the audit log between two offsets taken with size.
type auditLog struct{ path string }

// size is the current end of the log: a mark to count from.
func (a auditLog) size() (int64, error) {
	fi, err := os.Stat(a.path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("audit log: %w", err)
	}
	return fi.Size(), nil
}

// writes counts the requests logged between from and to by users whose name starts with userPrefix, per
// "verb resource" (codes >= 400 counted under "verb resource (failed)"). Requests to objects in
// ownNamespace (the operator's: its leader election Lease and the events about it) are counted under
// "verb resource (leader election)": they happen at any load.
func (a auditLog) writes(from, to int64, userPrefix, ownNamespace string) (map[string]int, error) {
	f, err := os.Open(a.path)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	out := map[string]int{}
	sc := bufio.NewScanner(io.LimitReader(f, to-from))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		var r auditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue // a line cut by the mark
		}
		if !strings.HasPrefix(r.User.Username, userPrefix) {
			continue
		}
		key := r.what()
		switch {
		case r.ObjectRef.Namespace == ownNamespace && ownNamespace != "":
			key += " " + leaderElectionSuffix
		case r.ResponseStatus.Code >= 400:
			key += " (failed)"
		}
		out[key]++
	}
	return out, sc.Err()
}
