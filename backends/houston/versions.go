package houston

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Houston versions differ in what their API has. The table below lists, by
// Houston version, what each release added to or removed from the part of
// the API this client uses; it mirrors the versions of the Astro CLI's
// documents (shared/specs/houston/operations/*.vX.graphql, reference §4)
// and the CLI's version gates. Keys are "Type.field", or
// "Type.field(argument)" for an argument; anything the table does not
// mention exists in every version (0.25, the oldest the CLI supports, on).

// change is what one Houston release changed.
type change struct {
	version string
	added   []string
	removed []string
}

// history lists the changes, oldest first.
func history() []change {
	return []change{
		{version: "0.28.0", added: []string{
			"Query.team", "Query.teamUsers", "Query.paginatedTeams", "Query.workspaceTeams", "Query.deploymentTeams",
			"Mutation.workspaceAddTeam", "Mutation.workspaceRemoveTeam", "Mutation.workspaceUpdateTeamRole",
			"Mutation.deploymentAddTeamRole", "Mutation.deploymentUpdateTeamRole", "Mutation.deploymentRemoveTeamRole",
			"AppConfig.triggererEnabled", "AppConfig.featureFlags",
			"Mutation.createDeployment(triggerer)", "Mutation.updateDeployment(triggerer)",
		}},
		{version: "0.29.0", added: []string{
			"Query.runtimeReleases", "Mutation.updateDeploymentRuntime", "Mutation.cancelRuntimeUpdate",
			"Deployment.runtimeVersion", "Deployment.desiredRuntimeVersion", "Deployment.runtimeAirflowVersion",
			"Mutation.createDeployment(runtimeVersion)",
		}},
		{version: "0.29.2", added: []string{
			"AppConfig.byoUpdateRegistryHost", "Mutation.updateDeploymentImage",
			"Mutation.createTeamSystemRoleBinding", "Mutation.deleteTeamSystemRoleBinding",
		}},
		{version: "0.30.0", added: []string{"Query.paginatedWorkspaces", "Query.paginatedWorkspaceUsers"}},
		{version: "0.32.0", added: []string{"Query.paginatedDeployments"}},
		{version: "1.0.0", added: []string{
			"Mutation.upsertDeployment", "Deployment.clusterId", "Query.appConfig(clusterId)",
			"Query.availableNamespaces(clusterId)", "Query.paginatedDeployments(clusterId)",
		}, removed: []string{"Mutation.createDeployment", "Mutation.updateDeployment"}},
		{version: "1.0.1", removed: []string{"Mutation.updateDeploymentImage(airflowVersion)"}},
		{version: "2.0.0", added: []string{
			"Query.appConfig(workspaceUuid)", "Query.appConfig(deploymentUuid)",
		}, removed: []string{
			"AppConfig.manualReleaseNames", "AppConfig.configureDagDeployment", "AppConfig.nfsMountDagDeployment",
			"AppConfig.manualNamespaceNames", "AppConfig.hardDeleteDeployment", "AppConfig.triggererEnabled",
		}},
		{version: "2.1.0", added: []string{
			"Mutation.upsertDeployment(image)", "Mutation.upsertDeployment(mode)",
			"Mutation.adoptDeployment", "Mutation.unadoptDeployment",
		}, removed: []string{"Mutation.updateDeploymentImage"}},
	}
}

// NewestVersion is the newest Houston version the table knows. A client
// that cannot learn the installed version sends what this one accepts, as
// the Astro CLI does.
const NewestVersion = "2.1.0"

// Supports reports whether Houston version has field on typeName; field may
// also name an argument, as "upsertDeployment(mode)" (see [SupportsArg]).
// An empty or unreadable version counts as [NewestVersion].
func Supports(version, typeName, field string) bool {
	key := typeName + "." + field
	v := readVersion(version)
	present, seen := true, false
	for _, ch := range history() {
		added, removed := slices.Contains(ch.added, key), slices.Contains(ch.removed, key)
		if !added && !removed {
			continue
		}
		if !seen {
			present, seen = !added, true // what was added later was absent before
		}
		if compareVersion(v, readVersion(ch.version)) >= 0 {
			present = added
		}
	}
	if name, _, isArg := strings.Cut(field, "("); isArg && !Supports(version, typeName, name) {
		return false
	}
	return present
}

// SupportsArg reports whether Houston version has the argument arg of
// typeName.field (and the field itself).
func SupportsArg(version, typeName, field, arg string) bool {
	return Supports(version, typeName, field+"("+arg+")")
}

// versioned reports whether the table mentions key at all, that is,
// whether the answer of Supports depends on the version.
func versioned(key string) bool {
	for _, ch := range history() {
		if slices.Contains(ch.added, key) || slices.Contains(ch.removed, key) {
			return true
		}
	}
	return false
}

// fieldType names the type of the object fields the client selects into,
// so that a selection can be checked level by level.
func fieldType(typeName, field string) string {
	switch field {
	case "workspace":
		return "Workspace"
	case "deployment":
		return "Deployment"
	case "user":
		return "User"
	case "users":
		return "User"
	case "team":
		return "Team"
	case "teams":
		return "Team"
	case "serviceAccount":
		return "ServiceAccount"
	case "roleBindings", "roleBinding":
		return "RoleBinding"
	case "urls":
		return "DeploymentUrl"
	case "deployInfo":
		return "DeployInfo"
	case "dagDeployment":
		return "DagDeploymentSettings"
	case "emails":
		return "Email"
	case "invites":
		return "Invite"
	case "token":
		return "Token"
	case "providers":
		return "AuthProvider"
	case "airflowImages":
		return "AirflowImage"
	}
	return typeName + "." + field
}

// PruneSelection returns the part of sel (a selection on typeName) that
// Houston version has, and the fields it left out as "Type.field". The
// gateway resolves a dropped field to null with an error saying that the
// installed Houston lacks it; the client's methods prune their selections
// the same way, so they never send a field the version would reject.
func PruneSelection(version, typeName string, sel []Field) (kept []Field, dropped []string) {
	for _, f := range sel {
		if !Supports(version, typeName, f.Name) {
			dropped = append(dropped, typeName+"."+f.Name)
			continue
		}
		if len(f.Fields) > 0 {
			sub, d := PruneSelection(version, fieldType(typeName, f.Name), f.Fields)
			dropped = append(dropped, d...)
			if len(sub) == 0 {
				dropped = append(dropped, typeName+"."+f.Name)
				continue
			}
			f = Field{Name: f.Name, Fields: sub}
		}
		kept = append(kept, f)
	}
	return kept, dropped
}

// selectionVersioned reports whether any field of sel, at any depth, is in
// the table.
func selectionVersioned(typeName string, sel []Field) bool {
	for _, f := range sel {
		if versioned(typeName+"."+f.Name) || selectionVersioned(fieldType(typeName, f.Name), f.Fields) {
			return true
		}
	}
	return false
}

// UnsupportedError is returned, without calling Houston, for an operation
// or argument the installed Houston version does not have.
type UnsupportedError struct {
	Version string // the installed version
	Feature string // "Type.field" or "Type.field(argument)"
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("houston: Houston %s has no %s", e.Version, e.Feature)
}

// IsUnsupported reports whether err says the installed Houston version lacks
// what was asked.
func IsUnsupported(err error) bool {
	var ue *UnsupportedError
	return errors.As(err, &ue)
}

// houstonVersion is major.minor.patch.
type houstonVersion [3]int

// readVersion reads "1.0.5", "v2.1.0" or "2.1.0-rc.1" (the pre-release is
// ignored, as by the CLI); anything else is NewestVersion.
func readVersion(s string) houstonVersion {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return readVersion(NewestVersion)
	}
	var v houstonVersion
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return readVersion(NewestVersion)
		}
		v[i] = n
	}
	return v
}

func compareVersion(a, b houstonVersion) int { return slices.Compare(a[:], b[:]) }

// AtLeast reports whether Houston version is min or newer (an empty or
// unreadable version counts as [NewestVersion]).
func AtLeast(version, min string) bool {
	return compareVersion(readVersion(version), readVersion(min)) >= 0
}
