// Package reach says why an HTTP request got no answer, in words that name
// no part of its URL: the HTTP client's errors quote the URL whole, with
// any credentials in its userinfo or query.
//
// It imports nothing of vodrefresh.
package reach

import (
	"context"
	"errors"
	"net"
	"syscall"
)

// Why returns what became of a request whose http.Client.Do failed with
// err: "no answer in time", "connection refused", "no such host", or "the
// request failed".
func Why(err error) string {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	}
	return "the request failed"
}
