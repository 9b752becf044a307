// Package redact removes credentials from URLs before they reach logs, task status or termination messages.
// Presigned object URLs carry their signature in the query, endpoint URLs sometimes a password in their user
// info, and the Redis URL always does; none of that may leave the runner in clear.
package redact

import (
	"context"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// Mark replaces what was removed.
const Mark = "REDACTED"

// URL returns raw without user info, with its query replaced by Mark and without fragment. Text that does not
// parse as a URL has everything from the first '?' or '#' and any user info cut the same way.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return cutRef(raw)
	}
	if u.User != nil {
		u.User = url.User(Mark)
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery, u.ForceQuery = Mark, false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

func cutRef(ref string) string {
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref = ref[:i] + "?" + Mark
	}
	if scheme, rest, ok := strings.Cut(ref, "://"); ok {
		host := rest
		if i := strings.IndexByte(host, '/'); i >= 0 {
			host = host[:i]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			ref = scheme + "://" + Mark + "@" + rest[at+1:]
		}
	}
	return ref
}

// urlPattern finds URLs in free text: a scheme, "://", and everything up to white space or a quote.
var urlPattern = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>\x60\\]+`)

// Text redacts every URL in s (see URL). Text without "://" is returned as it is.
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlPattern.ReplaceAllStringFunc(s, func(u string) string {
		// Punctuation that ends a sentence is not part of the URL.
		trail := len(u) - len(strings.TrimRight(u, ".,;:)]}"))
		return URL(u[:len(u)-trail]) + u[len(u)-trail:]
	})
}

// NewHandler wraps h so that every message and every string or error attribute is passed through Text.
func NewHandler(h slog.Handler) slog.Handler { return handler{h} }

type handler struct{ next slog.Handler }

func (h handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Text(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = attr(a)
	}
	return handler{h.next.WithAttrs(clean)}
}

func (h handler) WithGroup(name string) slog.Handler { return handler{h.next.WithGroup(name)} }

// attr redacts one attribute: strings, errors, Stringers and groups; other kinds carry no URL.
func attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Text(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, Text(x.Error()))
		case interface{ String() string }:
			return slog.String(a.Key, Text(x.String()))
		case []string:
			clean := make([]string, len(x))
			for i, s := range x {
				clean[i] = Text(s)
			}
			return slog.Any(a.Key, clean)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
