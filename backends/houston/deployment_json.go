package houston

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/astro-gateway/gateway/internal/jsonx"
)

// The members of a deployment, as deploymentMember numbers them: the
// optional strings first (their slot in deploymentStrings), then the rest.
const (
	memberType = iota
	memberLabel
	memberDescription
	memberReleaseName
	memberNamespace
	memberClusterID
	memberVersion
	memberAirflowVersion
	memberDesiredAirflowVersion
	memberRuntimeVersion
	memberDesiredRuntimeVersion
	memberRuntimeAirflowVersion
	memberStatus
	optionalStrings // the number of optional strings
	memberID        = iota - 1
	memberWorkspace
	memberURLs
	memberDeployInfo
	memberDagDeployment
	memberConfig
	memberRoleBindings
	memberCreatedAt
	memberUpdatedAt
	memberUnknown = -1
)

// deploymentMembers are the member names, in the order above.
var deploymentMembers = [...]string{"type", "label", "description", "releaseName", "namespace", "clusterId",
	"version", "airflowVersion", "desiredAirflowVersion", "runtimeVersion", "desiredRuntimeVersion",
	"runtimeAirflowVersion", "status", "id", "workspace", "urls", "deployInfo", "dagDeployment", "config",
	"roleBindings", "createdAt", "updatedAt"}

// UnmarshalJSONFrom decodes a deployment as jsonx.Unmarshal would by
// reflection — names matched exactly, then as json/v2 folds them (case,
// '_' and '-' ignored); the last of a repeated name wins; null leaves a
// field nil; unknown names are skipped; invalid UTF-8 becomes U+FFFD;
// what is not an object, or a string where one is expected, fails — with
// fewer allocations: the id and the optional strings share one string, and
// the optional strings the pointers point to one slice, where reflection
// allocates each string and each pointer (TestDeploymentDecodesAsReflection,
// BenchmarkWorkspaceDeploymentsDecode).
func (d *Deployment) UnmarshalJSONFrom(dec *jsonx.Decoder) error {
	switch k := dec.PeekKind(); k {
	case 'n':
		_, err := dec.ReadToken()
		return err
	case '{':
	default:
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return fmt.Errorf("houston: a deployment is a JSON object, not %v", k)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	// The strings read, unquoted one after the other into text, and where
	// each one ends; text becomes one string at the end.
	var (
		textArr [256]byte
		text    = textArr[:0]
		ends    [optionalStrings + 1]int // by member; 0: not (or no longer) a string
		starts  [optionalStrings + 1]int
	)
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		unquoted := name[1 : len(name)-1]
		if !plainASCII(unquoted) {
			var nameArr [64]byte
			// The decoder has checked the name is a valid string: the
			// only error left is invalid UTF-8, which it allows and
			// replaces.
			unquoted, _ = jsontext.AppendUnquote(nameArr[:0], name)
		}
		m := deploymentMember(unquoted)
		switch {
		case m == memberUnknown:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		case m < optionalStrings || m == memberID:
			slot := m
			if m == memberID {
				slot = optionalStrings
			}
			if dec.PeekKind() != '"' {
				ends[slot] = 0
				if err := jsonx.Decode(dec, d.member(m)); err != nil { // null, or json/v2's error
					return err
				}
				continue
			}
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			starts[slot] = len(text)
			text, _ = jsontext.AppendUnquote(text, v)
			ends[slot] = len(text) + 1 // +1: an empty string is still a string
		default:
			if err := jsonx.Decode(dec, d.member(m)); err != nil { // through json/v2, as reflection would
				return err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	all := string(text)
	if e := ends[optionalStrings]; e > 0 {
		d.ID = all[starts[optionalStrings] : e-1]
	}
	n := 0
	for slot := range optionalStrings {
		if ends[slot] > 0 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	strs := make([]string, 0, n)
	for slot := range optionalStrings {
		if e := ends[slot]; e > 0 {
			strs = append(strs, all[starts[slot]:e-1])
			*d.member(slot).(**string) = &strs[len(strs)-1]
		}
	}
	return nil
}

// deploymentMember is the member named name: matched exactly, then as
// json/v2 folds names; memberUnknown for none.
func deploymentMember(name []byte) int {
	if m, ok := exactMembers[string(name)]; ok { // no allocation: Go looks a []byte up in place
		return m
	}
	if m, ok := foldedMembers[foldName(string(name))]; ok {
		return m
	}
	return memberUnknown
}

// plainASCII reports whether a string's raw bytes are its value: ASCII
// without escapes.
func plainASCII(raw []byte) bool {
	for _, c := range raw {
		if c >= 0x80 || c == '\\' {
			return false
		}
	}
	return true
}

// member is a pointer to the field of member m: a **string for an optional
// string (m < optionalStrings).
func (d *Deployment) member(m int) any {
	switch m {
	case memberType:
		return &d.Type
	case memberLabel:
		return &d.Label
	case memberDescription:
		return &d.Description
	case memberReleaseName:
		return &d.ReleaseName
	case memberNamespace:
		return &d.Namespace
	case memberClusterID:
		return &d.ClusterID
	case memberVersion:
		return &d.Version
	case memberAirflowVersion:
		return &d.AirflowVersion
	case memberDesiredAirflowVersion:
		return &d.DesiredAirflowVersion
	case memberRuntimeVersion:
		return &d.RuntimeVersion
	case memberDesiredRuntimeVersion:
		return &d.DesiredRuntimeVersion
	case memberRuntimeAirflowVersion:
		return &d.RuntimeAirflowVersion
	case memberStatus:
		return &d.Status
	case memberID:
		return &d.ID
	case memberWorkspace:
		return &d.Workspace
	case memberURLs:
		return &d.URLs
	case memberDeployInfo:
		return &d.DeployInfo
	case memberDagDeployment:
		return &d.DagDeployment
	case memberConfig:
		return &d.Config
	case memberRoleBindings:
		return &d.RoleBindings
	case memberCreatedAt:
		return &d.CreatedAt
	default: // memberUpdatedAt
		return &d.UpdatedAt
	}
}

// exactMembers and foldedMembers map each member's name, as spelled and
// folded, to the member.
var exactMembers, foldedMembers = func() (exact, folded map[string]int) {
	exact, folded = map[string]int{}, map[string]int{}
	for i, n := range deploymentMembers {
		exact[n], folded[foldName(n)] = i, i
	}
	return exact, folded
}()

// foldName folds a name as json/v2 does when it matches names without
// regard to case: without '_' and '-', in upper case.
func foldName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return unicode.ToUpper(unicode.ToLower(r))
	}, name)
}
