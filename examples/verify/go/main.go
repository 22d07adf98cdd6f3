// A BookFlow webhook receiver using only Go's standard library.
//
//	PORT=3000 BOOKFLOW_WEBHOOK_SECRET=whsec_... go run ./examples/verify/go
//
// Verifies the Standard Webhooks signature (and X-BookFlow-Signature when present) over the raw
// body, answers 204 when valid and 401 with the reason when not. See docs/signing.md.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	path             = "/webhooks/bookflow"
	toleranceSeconds = 5 * 60
	maxBodyBytes     = 1 << 20
)

// rejection is a failed check: reason is the stable word the 401 starts with.
type rejection struct{ reason, message string }

func (r *rejection) Error() string { return r.reason + ": " + r.message }

// loadKeys turns every configured secret (several during a rotation) into an HMAC key: the base64 after whsec_.
func loadKeys(value string) ([][]byte, error) {
	secrets := strings.Fields(value)
	if len(secrets) == 0 {
		return nil, errors.New("BOOKFLOW_WEBHOOK_SECRET is not set (one or more whsec_... secrets, space-separated)")
	}
	keys := make([][]byte, 0, len(secrets))
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil || len(key) == 0 {
			return nil, errors.New("BOOKFLOW_WEBHOOK_SECRET holds a value that is not whsec_<base64>")
		}
		keys = append(keys, key)
	}
	return keys, nil
}

type verifier struct {
	keys [][]byte
	now  func() int64
}

func (v *verifier) digests(parts ...[]byte) [][]byte {
	out := make([][]byte, len(v.keys))
	for i, key := range v.keys {
		mac := hmac.New(sha256.New, key)
		for _, p := range parts {
			mac.Write(p)
		}
		out[i] = mac.Sum(nil)
	}
	return out
}

// entries returns the decoded entries of a space-separated signature header with the given scheme prefix.
func entries(header, prefix string, decode func(string) ([]byte, error)) ([][]byte, error) {
	var found [][]byte
	for _, e := range strings.Fields(header) {
		if strings.HasPrefix(e, prefix) {
			b, err := decode(strings.TrimPrefix(e, prefix))
			if err != nil {
				b = nil // cannot match any digest
			}
			found = append(found, b)
		}
	}
	if len(found) == 0 {
		return nil, &rejection{"bad_format", fmt.Sprintf("signature header has no %q entry", prefix)}
	}
	return found, nil
}

// anyMatch compares every presented entry with every key's digest in constant time, with no early exit.
func anyMatch(presented, expected [][]byte) bool {
	matched := false
	for _, p := range presented {
		for _, e := range expected {
			if hmac.Equal(p, e) {
				matched = true
			}
		}
	}
	return matched
}

var timestampFormat = regexp.MustCompile(`^[0-9]{1,12}$`)

func (v *verifier) verifyStandard(h http.Header, body []byte) error {
	id, ts, sig := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	var missing []string
	for _, hv := range [][2]string{{"webhook-id", id}, {"webhook-timestamp", ts}, {"webhook-signature", sig}} {
		if hv[1] == "" {
			missing = append(missing, hv[0])
		}
	}
	if len(missing) > 0 {
		return &rejection{"missing_header", "missing header(s): " + strings.Join(missing, ", ")}
	}
	if !timestampFormat.MatchString(ts) {
		return &rejection{"bad_format", "webhook-timestamp must be integer seconds since the epoch"}
	}
	timestamp, _ := strconv.ParseInt(ts, 10, 64)
	now := v.now()
	if timestamp < now-toleranceSeconds {
		return &rejection{"stale_timestamp", fmt.Sprintf("webhook-timestamp is more than %d s old", toleranceSeconds)}
	}
	if timestamp > now+toleranceSeconds {
		return &rejection{"future_timestamp", fmt.Sprintf("webhook-timestamp is more than %d s ahead", toleranceSeconds)}
	}
	presented, err := entries(sig, "v1,", base64.StdEncoding.DecodeString)
	if err != nil {
		return err
	}
	if !anyMatch(presented, v.digests([]byte(id+"."+ts+"."), body)) {
		return &rejection{"no_matching_signature", "no webhook-signature entry matches a configured secret"}
	}
	return nil
}

// verifyBookFlow checks X-BookFlow-Signature (sha256=<hex HMAC of the body>) when the header is present.
func (v *verifier) verifyBookFlow(h http.Header, body []byte) error {
	if len(h.Values("x-bookflow-signature")) == 0 {
		return nil
	}
	presented, err := entries(h.Get("x-bookflow-signature"), "sha256=", hex.DecodeString)
	if err != nil {
		return err
	}
	if !anyMatch(presented, v.digests(body)) {
		return &rejection{"no_matching_signature", "no x-bookflow-signature entry matches a configured secret"}
	}
	return nil
}

func answer(w http.ResponseWriter, status int, text string) {
	if text != "" {
		w.Header().Set("content-type", "text/plain; charset=utf-8")
	}
	w.WriteHeader(status)
	if text != "" {
		io.WriteString(w, text+"\n")
	}
}

func (v *verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		answer(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	// The raw bytes, exactly as sent: re-serialising parsed JSON would change them and break the HMAC.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		answer(w, http.StatusRequestEntityTooLarge, "body too large")
		return
	}
	err = v.verifyStandard(r.Header, body)
	if err == nil {
		err = v.verifyBookFlow(r.Header, body)
	}
	if err != nil {
		fmt.Println("rejected:", err)
		answer(w, http.StatusUnauthorized, err.Error())
		return
	}
	var event struct{ ID, Type string }
	if err := json.Unmarshal(body, &event); err != nil {
		answer(w, http.StatusBadRequest, "body is not JSON")
		return
	}
	// Process the event here (idempotently: a retry carries the same id), or queue it and answer at once.
	id, eventType := event.ID, event.Type
	if id == "" {
		id = r.Header.Get("webhook-id")
	}
	if eventType == "" {
		eventType = r.Header.Get("x-bookflow-event-type")
	}
	if eventType == "" {
		eventType = "unknown"
	}
	fmt.Println("verified", id, eventType)
	w.WriteHeader(http.StatusNoContent)
}

func main() {
	keys, err := loadKeys(os.Getenv("BOOKFLOW_WEBHOOK_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	v := &verifier{keys: keys, now: func() int64 { return time.Now().Unix() }}
	// For tests only: a fixed "now" (unix seconds) so a recorded request, such as the Standard
	// Webhooks test vector, can be checked. Never set it in production: it disables the replay window.
	if fixed := os.Getenv("BOOKFLOW_VERIFY_NOW"); fixed != "" {
		at, err := strconv.ParseInt(fixed, 10, 64)
		if err != nil {
			log.Fatal("BOOKFLOW_VERIFY_NOW must be unix seconds")
		}
		log.Printf("BOOKFLOW_VERIFY_NOW is set: the clock is fixed at %d", at)
		v.now = func() int64 { return at }
	}

	host, port := os.Getenv("HOST"), os.Getenv("PORT")
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "3000"
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(path, v)
	fmt.Printf("listening on http://%s%s\n", listener.Addr(), path)
	log.Fatal(http.Serve(listener, mux))
}
