// Command verify is an independent check of the trustbridge transparency log, built only on
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog (Debian's golang-golang-x-mod-dev,
// run with GO111MODULE=off GOPATH=/usr/share/gocode; nothing is downloaded).
//
//	verify DIR
//
// DIR holds a log written by trustbridge: log.vkey (the log's verifier key), checkpoint (the
// signed checkpoint), the tlog-tiles tiles under tile/, and proofs.json with inclusion proofs
// ({"index", "entry" base64, "proof" [base64]}) and consistency proofs ({"old", "oldRoot",
// "proof"}) computed by trustbridge. It opens the checkpoint with sumdb/note, recomputes the
// root from the tiles with sumdb/tlog's own tile reader, checks every given proof with
// tlog.CheckRecord / tlog.CheckTree, and also proves every listed record itself from the tiles.
// It prints one OK line per check and exits 1 at the first failure.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type inclusion struct {
	Index int64    `json:"index"`
	Entry string   `json:"entry"`
	Proof []string `json:"proof"`
}

type consistency struct {
	Old     int64    `json:"old"`
	OldRoot string   `json:"oldRoot"`
	Proof   []string `json:"proof"`
}

type proofs struct {
	Inclusion   []inclusion   `json:"inclusion"`
	Consistency []consistency `json:"consistency"`
}

// tiles reads C2SP tlog-tiles (tile/<L>/<N>[.p/<W>]) for sumdb/tlog, whose own paths carry the
// tile height (tile/8/<L>/...).
type tiles struct{ dir string }

func (t tiles) Height() int { return 8 }

func (t tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, tile := range ts {
		p := strings.Replace(tile.Path(), "tile/8/", "tile/", 1)
		data, err := os.ReadFile(filepath.Join(t.dir, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL "+format+"\n", args...)
	os.Exit(1)
}

func hash(s string) tlog.Hash {
	h, err := tlog.ParseHash(s)
	if err != nil {
		fail("hash %q: %v", s, err)
	}
	return h
}

func hashes(ss []string) []tlog.Hash {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		out[i] = hash(s)
	}
	return out
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: verify DIR")
	}
	dir := os.Args[1]
	vkey, err := os.ReadFile(filepath.Join(dir, "log.vkey"))
	if err != nil {
		fail("%v", err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint text %q", n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	root := hash(lines[2])
	fmt.Printf("OK note: checkpoint of %s size %d signed by %s\n", lines[0], size, n.Sigs[0].Name)

	tree := tlog.Tree{N: size, Hash: root}
	reader := tlog.TileHashReader(tree, tiles{dir})
	got, err := tlog.TreeHash(size, reader)
	if err != nil || got != root {
		fail("tree hash from the tiles: %v %v", got, err)
	}
	fmt.Printf("OK tlog: the tiles hash to the checkpoint root\n")

	raw, err := os.ReadFile(filepath.Join(dir, "proofs.json"))
	if err != nil {
		fail("%v", err)
	}
	var ps proofs
	if err := json.Unmarshal(raw, &ps); err != nil {
		fail("proofs.json: %v", err)
	}
	for _, p := range ps.Inclusion {
		entry, err := base64.StdEncoding.DecodeString(p.Entry)
		if err != nil {
			fail("entry: %v", err)
		}
		leaf := tlog.RecordHash(entry)
		if err := tlog.CheckRecord(tlog.RecordProof(hashes(p.Proof)), size, root, p.Index, leaf); err != nil {
			fail("inclusion of %d: %v", p.Index, err)
		}
		own, err := tlog.ProveRecord(size, p.Index, reader)
		if err != nil || tlog.CheckRecord(own, size, root, p.Index, leaf) != nil {
			fail("own proof of %d: %v", p.Index, err)
		}
		fmt.Printf("OK tlog: inclusion of record %d\n", p.Index)
	}
	for _, c := range ps.Consistency {
		if err := tlog.CheckTree(tlog.TreeProof(hashes(c.Proof)), size, root, c.Old, hash(c.OldRoot)); err != nil {
			fail("consistency from %d: %v", c.Old, err)
		}
		fmt.Printf("OK tlog: consistency from size %d\n", c.Old)
	}
}
