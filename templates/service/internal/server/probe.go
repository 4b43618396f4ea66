package server

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// Probe sends GET url and returns nil if the response is 200 OK. It backs
// the `healthcheck` subcommand, which container runtimes without a shell
// (distroless images) run as their health check.
//
// The client ignores HTTP(S)_PROXY, does not follow redirects and gives up
// after timeout.
func Probe(url string, timeout time.Duration) error {
	client := &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: unexpected status %s", url, resp.Status)
	}
	return nil
}
