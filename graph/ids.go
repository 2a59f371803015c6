package graph

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unsafe"
)

// Global ids are opaque to clients but carry everything needed to fetch the
// object again: the type, then the path of upstream ids (an Astro object
// needs its organization; a Software object names its installation).
//
//	base64url("AstroDeployment:<organizationId>:<deploymentId>")
//	base64url("SoftwareDeployment:<installation>:<deploymentId>")

// Type names used in global ids; they equal the GraphQL type names.
const (
	typeAstroOrganization  = "AstroOrganization"
	typeAstroWorkspace     = "AstroWorkspace"
	typeAstroDeployment    = "AstroDeployment"
	typeAstroCluster       = "AstroCluster"
	typeSoftwareWorkspace  = "SoftwareWorkspace"
	typeSoftwareDeployment = "SoftwareDeployment"
	typeSoftwareUser       = "SoftwareUser"
	typeSoftwareTeam       = "SoftwareTeam"

	typeAstroUser              = "AstroUser"
	typeAstroTeam              = "AstroTeam"
	typeAstroAPIToken          = "AstroApiToken"
	typeAstroCustomRole        = "AstroCustomRole"
	typeAstroEnvironmentObject = "AstroEnvironmentObject"
	typeAstroDeploy            = "AstroDeploy"
	typeAstroAgentToken        = "AstroAgentToken"
)

// globalID is a decoded global id.
type globalID struct {
	Type  string
	Parts []string
}

// parts each type's id carries after the type name.
var idArity = map[string]int{
	typeAstroOrganization:  1,
	typeAstroWorkspace:     2,
	typeAstroDeployment:    2,
	typeAstroCluster:       2,
	typeSoftwareWorkspace:  2,
	typeSoftwareDeployment: 2,
	typeSoftwareUser:       2,
	typeSoftwareTeam:       2,

	typeAstroUser:              2,
	typeAstroTeam:              2,
	typeAstroAPIToken:          2,
	typeAstroCustomRole:        2,
	typeAstroEnvironmentObject: 2,
	typeAstroDeploy:            3, // organization, deployment, deploy
	typeAstroAgentToken:        3, // organization, deployment, agent token
}

func encodeID(typ string, parts ...string) string {
	// Every listed object gets an id: the raw form is built on the stack
	// and the encoded one allocated once (a list of 2,400 deployments made
	// five allocations each here with a Builder and EncodeToString).
	var buf [160]byte
	raw := append(buf[:0], typ...)
	for _, p := range parts {
		raw = append(append(raw, ':'), url.QueryEscape(p)...)
	}
	out := make([]byte, base64.RawURLEncoding.EncodedLen(len(raw)))
	base64.RawURLEncoding.Encode(out, raw)
	return unsafe.String(unsafe.SliceData(out), len(out)) // out is never written again
}

func decodeID(id string) (globalID, error) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return globalID{}, fmt.Errorf("%q is not a global id of this gateway", id)
	}
	fields := strings.Split(string(raw), ":")
	n, ok := idArity[fields[0]]
	if !ok || len(fields) != n+1 {
		return globalID{}, fmt.Errorf("%q is not a global id of this gateway", id)
	}
	g := globalID{Type: fields[0], Parts: make([]string, n)}
	for i, p := range fields[1:] {
		if g.Parts[i], err = url.QueryUnescape(p); err != nil || g.Parts[i] == "" {
			return globalID{}, fmt.Errorf("%q is not a global id of this gateway", id)
		}
	}
	return g, nil
}

// Cursors are opaque offsets into a list.
func encodeCursor(offset int) string {
	return encodeCursors(offset, 1)[0]
}

// encodeCursors is encodeCursor of offset, offset+1, … offset+n-1, the n
// strings sharing one allocation.
func encodeCursors(offset, n int) []string {
	out := make([]string, n)
	if n == 0 {
		return out
	}
	enc := base64.RawURLEncoding
	maxLen := enc.EncodedLen(len("offset:") + len(strconv.Itoa(offset+n-1)))
	buf := make([]byte, 0, n*maxLen)
	var raw [32]byte
	for i := range n {
		r := strconv.AppendInt(append(raw[:0], "offset:"...), int64(offset+i), 10)
		start := len(buf)
		buf = buf[:start+enc.EncodedLen(len(r))]
		enc.Encode(buf[start:], r)
		out[i] = unsafe.String(&buf[start], len(buf)-start) // buf is never written again below start
	}
	return out
}

// maxCursorOffset bounds the offsets a cursor may carry.
const maxCursorOffset = 1 << 30

func decodeCursor(c *string) (int, error) {
	if c == nil || *c == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*c)
	if err == nil {
		if s, ok := strings.CutPrefix(string(raw), "offset:"); ok {
			// A list is never near this long; the bound keeps offset+first
			// far from overflowing.
			if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < maxCursorOffset {
				return n + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("%q is not a cursor of this list", *c)
}
