// Package imagemap decides which local executable stands in for a container image. localnode runs containers
// as host processes, so an image is only a name that selects a binary already on this machine.
package imagemap

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// Rule maps image references that match Pattern to a local executable.
//
// Pattern is an image reference compared literally, except that a reference without a tag or digest means
// ":latest", a trailing ":*" matches the repository with any tag or digest (or none), and any other trailing
// "*" matches every reference that starts with the text before it.
//
// Path is an absolute path. When it ends in "/" it names a directory of executables (a multi-call image such
// as a shell toolbox): the container's command[0] is looked up by base name in that directory.
type Rule struct {
	Pattern string
	Path    string
}

// ParseRule parses the PATTERN=PATH form of the --image-map flag.
func ParseRule(s string) (Rule, error) {
	pattern, target, ok := strings.Cut(s, "=")
	pattern, target = strings.TrimSpace(pattern), strings.TrimSpace(target)
	if !ok || pattern == "" || target == "" {
		return Rule{}, fmt.Errorf("image map %q: want PATTERN=PATH, e.g. example.com/app:*=/usr/local/bin/app", s)
	}
	if !filepath.IsAbs(target) {
		return Rule{}, fmt.Errorf("image map %q: path %q must be absolute", s, target)
	}
	if strings.Contains(strings.TrimSuffix(pattern, "*"), "*") {
		return Rule{}, fmt.Errorf("image map %q: only a trailing * is supported in the pattern", s)
	}
	return Rule{Pattern: pattern, Path: target}, nil
}

// String returns the flag form of the rule.
func (r Rule) String() string { return r.Pattern + "=" + r.Path }

// IsDir reports whether the rule maps to a directory of executables rather than to one executable.
func (r Rule) IsDir() bool { return strings.HasSuffix(r.Path, "/") }

// Matches reports whether image is selected by the rule's pattern.
func (r Rule) Matches(image string) bool {
	p := r.Pattern
	switch {
	case strings.HasSuffix(p, ":*"):
		repo := strings.TrimSuffix(p, ":*")
		return image == repo || strings.HasPrefix(image, repo+":") || strings.HasPrefix(image, repo+"@")
	case strings.HasSuffix(p, "*"):
		return strings.HasPrefix(image, strings.TrimSuffix(p, "*"))
	default:
		return withDefaultTag(p) == withDefaultTag(image)
	}
}

// Argv builds the process argument vector for a container whose image matched the rule. command and args
// are the container's (already expanded) command and args. A single-binary rule replaces command[0] with its
// executable, or is the entrypoint when command is empty; a directory rule resolves command[0] inside the
// directory and so needs a command.
func (r Rule) Argv(command, args []string) ([]string, error) {
	if r.IsDir() {
		if len(command) == 0 || command[0] == "" {
			return nil, fmt.Errorf("image maps to the directory %s, so the container needs a command to pick a program in it", r.Path)
		}
		name := path.Base(command[0])
		if name == "/" || name == "." || name == ".." {
			return nil, fmt.Errorf("command %q does not name a program", command[0])
		}
		argv := append([]string{filepath.Join(r.Path, name)}, command[1:]...)
		return append(argv, args...), nil
	}
	argv := []string{r.Path}
	if len(command) > 0 {
		argv = append(argv, command[1:]...)
	}
	return append(argv, args...), nil
}

// withDefaultTag appends ":latest" to a reference that has neither tag nor digest, as container runtimes do.
func withDefaultTag(ref string) string {
	if strings.Contains(ref, "@") {
		return ref
	}
	lastSegment := ref[strings.LastIndex(ref, "/")+1:]
	if strings.Contains(lastSegment, ":") {
		return ref
	}
	return ref + ":latest"
}

// Map is an ordered list of rules; the first matching rule wins.
type Map []Rule

// Lookup returns the first rule whose pattern matches image.
func (m Map) Lookup(image string) (Rule, bool) {
	for _, r := range m {
		if r.Matches(image) {
			return r, true
		}
	}
	return Rule{}, false
}

// Set parses and appends one PATTERN=PATH rule; with String it makes Map a repeatable command-line flag.
func (m *Map) Set(s string) error {
	r, err := ParseRule(s)
	if err != nil {
		return err
	}
	*m = append(*m, r)
	return nil
}

// String lists the rules in flag form, comma separated.
func (m *Map) String() string {
	if m == nil {
		return ""
	}
	parts := make([]string, len(*m))
	for i, r := range *m {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// SuggestPattern proposes a rule pattern that matches image with any tag or digest, for error messages.
func SuggestPattern(image string) string {
	repo, _, _ := strings.Cut(image, "@")
	if colon := strings.LastIndex(repo, ":"); colon > strings.LastIndex(repo, "/") {
		repo = repo[:colon]
	}
	return repo + ":*"
}
