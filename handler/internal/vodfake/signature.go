package vodfake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"strings"
)

// stringToSign builds the POP v1 string to sign: every parameter but
// Signature, sorted and form-encoded, with the encoding fixed up to RFC 3986
// (space as %20, '*' as %2A, '~' bare), then percent-encoded once more behind
// the method and the encoded path "/".
func stringToSign(method string, params url.Values) string {
	signed := url.Values{}
	for k, v := range params {
		if k != "Signature" {
			signed[k] = v
		}
	}
	canon := signed.Encode()
	canon = strings.ReplaceAll(canon, "+", "%20")
	canon = strings.ReplaceAll(canon, "*", "%2A")
	canon = strings.ReplaceAll(canon, "%7E", "~")
	return method + "&%2F&" + url.QueryEscape(canon)
}

// sign returns base64(HMAC-SHA1(secret + "&", s)).
func sign(secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signatureMatches compares the request's signature with the expected one in
// constant time.
func signatureMatches(method string, params url.Values, secret string) bool {
	want := sign(secret, stringToSign(method, params))
	return hmac.Equal([]byte(want), []byte(params.Get("Signature")))
}
