package astro

import (
	"errors"
	"github.com/astro-gateway/gateway/internal/specs"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specPath is the Astro API contract, read from the shared tree beside the
// repository and never copied into it.
const specPath = "../../../shared/specs/astro/platform-v1.yaml"

// spec is the part of platform-v1.yaml that these tests compare with.
type spec struct {
	Paths      map[string]map[string]any `yaml:"paths"`
	Components struct {
		Schemas map[string]specSchema `yaml:"schemas"`
	} `yaml:"components"`
}

type specSchema struct {
	Required   []string                `yaml:"required"`
	Properties map[string]specProperty `yaml:"properties"`
}

type specProperty struct {
	Type     string        `yaml:"type"`
	Format   string        `yaml:"format"`
	Ref      string        `yaml:"$ref"`
	Items    *specProperty `yaml:"items"`
	Nullable bool          `yaml:"nullable"`
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		specs.Missing(t, specPath, "the client cannot be compared with the Astro API spec")
	}
	require.NoError(t, err)
	var s spec
	require.NoError(t, yaml.Unmarshal(data, &s), "parsing %s", specPath)
	require.NotEmpty(t, s.Paths, "no paths in %s", specPath)
	return &s
}

// operation returns the operationId and tags of method path in the spec.
func (s *spec) operation(method, path string) (id string, tags []string, ok bool) {
	op, ok := s.Paths[path][strings.ToLower(method)].(map[string]any)
	if !ok {
		return "", nil, false
	}
	id, _ = op["operationId"].(string)
	if ts, ok := op["tags"].([]any); ok {
		for _, t := range ts {
			if s, ok := t.(string); ok {
				tags = append(tags, s)
			}
		}
	}
	return id, tags, true
}

// tagFiles maps each tag of the spec to the file whose services call its
// operations (go-github's one file per resource group). Both token tags
// live in tokens.go.
func tagFiles() map[string]string {
	return map[string]string{
		"Authorization":         "authorization.go",
		"Organization":          "organizations.go",
		"AllowedIpAddressRange": "allowlist.go",
		"Options":               "options.go",
		"Cluster":               "clusters.go",
		"Deployment":            "deployments.go",
		"AgentToken":            "tokens.go",
		"ApiToken":              "tokens.go",
		"Deploy":                "deploys.go",
		"Environment":           "environment.go",
		"Invite":                "invites.go",
		"Role":                  "roles.go",
		"Team":                  "teams.go",
		"User":                  "users.go",
		"Workspace":             "workspaces.go",
	}
}

var refLine = regexp.MustCompile(`^Astro API: (GET|POST|DELETE|PUT|PATCH) (/\S*) \((\w+)\)$`)

type docRef struct {
	pos                         string
	file                        string
	method, path, opID          string
	recv, funcName, literalPath string // for service methods
}

// packageRefs parses this package's non-test files and returns every
// "Astro API:" line of their comments, and the exported service methods
// whose doc comment lacks one or is shaped wrongly.
func packageRefs(t *testing.T) (refs []docRef, problems []string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)

		methodDocs := map[*ast.CommentGroup]bool{}

		// Every exported method of a service carries exactly one Astro API
		// reference, as the last paragraph of its doc comment.
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || !strings.HasSuffix(receiverName(fn), "Service") {
				continue
			}
			where := fset.Position(fn.Pos()).String() + ": " + receiverName(fn) + "." + fn.Name.Name
			methodDocs[fn.Doc] = true
			if fn.Doc == nil {
				problems = append(problems, where+": no doc comment")
				continue
			}
			lines := strings.Split(strings.TrimSpace(fn.Doc.Text()), "\n")
			n := len(lines)
			switch {
			case !strings.HasPrefix(lines[0], fn.Name.Name+" "):
				problems = append(problems, where+": doc comment does not start with the method name")
			case n < 3 || lines[n-2] != "" || !refLine.MatchString(lines[n-1]):
				problems = append(problems, where+": doc comment does not end with a blank line and an \"Astro API: METHOD PATH (OperationId)\" line")
			case strings.Count(fn.Doc.Text(), "Astro API:") != 1:
				problems = append(problems, where+": more than one Astro API reference")
			default:
				m := refLine.FindStringSubmatch(lines[n-1])
				refs = append(refs, docRef{
					pos: where, file: name, method: m[1], path: m[2], opID: m[3],
					recv: receiverName(fn), funcName: fn.Name.Name, literalPath: firstPathLiteral(fn),
				})
			}
		}

		// Every other reference in the file's comments must be well formed too.
		for _, cg := range f.Comments {
			if methodDocs[cg] {
				continue // checked above, with the method
			}
			for _, c := range cg.List {
				text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
				if !strings.Contains(text, "Astro API:") {
					continue
				}
				m := refLine.FindStringSubmatch(text)
				if m == nil {
					problems = append(problems, fset.Position(c.Pos()).String()+": malformed reference "+strconv.Quote(text))
					continue
				}
				refs = append(refs, docRef{pos: fset.Position(c.Pos()).String(), file: name, method: m[1], path: m[2], opID: m[3]})
			}
		}
	}
	return refs, problems
}

func receiverName(fn *ast.FuncDecl) string {
	typ := fn.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// firstPathLiteral returns the path template of the first operation whose
// ID is a string literal in fn's body: the operation the method sends.
func firstPathLiteral(fn *ast.FuncDecl) string {
	var found string
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || found != "" {
			return found == ""
		}
		if s, err := strconv.Unquote(lit.Value); err == nil {
			if op, ok := OperationByID(s); ok {
				found = op.Path
			}
		}
		return true
	})
	return found
}

// TestDocReferencesMatchSpec is go-github's metadata check: every
// "Astro API: METHOD PATH (OperationId)" line must name an operation of the
// spec, the method must send to that path, and the file must be the one for
// the operation's tag.
func TestDocReferencesMatchSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	refs, problems := packageRefs(t)
	for _, p := range problems {
		t.Error(p)
	}
	require.NotEmpty(t, refs, "no Astro API references found")

	byMethod := map[string]docRef{}
	for _, ref := range refs {
		if ref.funcName != "" {
			byMethod[ref.recv+"."+ref.funcName] = ref
		}
	}
	methods := 0
	for _, ref := range refs {
		id, tags, ok := s.operation(ref.method, ref.path)
		if !assert.True(t, ok, "%s: %s %s is not an operation of the spec", ref.pos, ref.method, ref.path) {
			continue
		}
		assert.Equal(t, id, ref.opID, "%s: operationId of %s %s", ref.pos, ref.method, ref.path)
		if assert.Len(t, tags, 1, "%s: %s", ref.pos, id) {
			file, ok := tagFiles()[tags[0]]
			if assert.True(t, ok, "tag %s has no file in tagFiles", tags[0]) {
				assert.Equal(t, file, ref.file, "%s: %s has tag %s", ref.pos, id, tags[0])
			}
		}
		if ref.funcName != "" {
			methods++
			if base, isIter := strings.CutSuffix(ref.funcName, "Iter"); isIter {
				// An …Iter method sends nothing itself; it pages through
				// the method of the same name without the suffix.
				list, ok := byMethod[ref.recv+"."+base]
				assert.True(t, ok, "%s: %s has no %s to page through", ref.pos, ref.funcName, base)
				assert.Equal(t, list.method+" "+list.path+" "+list.opID, ref.method+" "+ref.path+" "+ref.opID,
					"%s: %s must reference the operation of %s", ref.pos, ref.funcName, base)
			} else {
				assert.Equal(t, ref.path, "/"+ref.literalPath, "%s: the method sends to a different path than its reference says", ref.pos)
			}
			if strings.HasPrefix(ref.funcName, "List") || ref.funcName == "Get" {
				assert.Equal(t, http.MethodGet, ref.method, ref.pos)
			}
		}
	}
	assert.GreaterOrEqual(t, methods, 75)
}

// TestEveryOperationHasAMethod fails unless each of the spec's operations
// is called by some method of the client (an …Iter method does not count:
// it calls another method).
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	refs, _ := packageRefs(t)
	covered := map[string][]string{}
	for _, ref := range refs {
		if ref.funcName != "" && !strings.HasSuffix(ref.funcName, "Iter") {
			covered[ref.opID] = append(covered[ref.opID], ref.recv+"."+ref.funcName)
		}
	}
	var all []string
	for path, ops := range s.Paths {
		for method := range ops {
			id, _, ok := s.operation(strings.ToUpper(method), path)
			if !ok {
				continue
			}
			all = append(all, id)
			assert.NotEmpty(t, covered[id], "operation %s (%s %s) has no client method", id, strings.ToUpper(method), path)
		}
	}
	assert.Len(t, all, 75, "the spec has 75 operations")
	assert.Len(t, covered, len(all), "methods reference operations outside the spec")
}
