package storage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// defaultHTTPClient has no overall timeout, because an episode may take long to download and ctx
// (the task's deadline) bounds it; it only limits the wait for a server that accepts the connection and
// then says nothing.
var defaultHTTPClient = &http.Client{
	Transport: func() http.RoundTripper {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = time.Minute
		return t
	}(),
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s refused: only https is followed", redact(req.URL))
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	},
}

func (r *Resolver) httpClient() *http.Client {
	if r.HTTPClient != nil {
		return r.HTTPClient
	}
	return defaultHTTPClient
}

// downloadHTTP GETs u into dst. Answers that can never succeed (not found, forbidden, too large) are
// failure.Invalid; server errors and network trouble stay retryable.
func (r *Resolver) downloadHTTP(ctx context.Context, u *url.URL, dst string) error {
	what := redact(u)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return failure.Invalid("input %s: %v", what, err)
	}
	resp, err := r.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("download %s: %w", what, hideURL(err))
	}
	defer resp.Body.Close()
	if err := checkStatus(resp, what); err != nil {
		return err
	}
	max := r.maxDownload()
	if resp.ContentLength > max {
		return failure.Invalid("input %s is %d bytes, over the %d-byte limit", what, resp.ContentLength, max)
	}
	if err := writeAtomic(dst, resp.Body, max, what); err != nil {
		return hideURL(err)
	}
	return nil
}

func checkStatus(resp *http.Response, what string) error {
	code := resp.StatusCode
	switch {
	case code == http.StatusOK:
		return nil
	case code == http.StatusNotFound || code == http.StatusGone:
		return failure.Invalid("input %s not found (HTTP %d)", what, code)
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
		return fmt.Errorf("download %s: HTTP %d, try again later", what, code)
	case code >= 400 && code < 500:
		return failure.Invalid("input %s refused: HTTP %d", what, code)
	default:
		return fmt.Errorf("download %s: unexpected HTTP %d", what, code)
	}
}

// hideURL replaces the full URL that net/http puts into its errors with the redacted one.
func hideURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = redact(u)
		} else {
			ue.URL = redactRef(ue.URL)
		}
	}
	return err
}
