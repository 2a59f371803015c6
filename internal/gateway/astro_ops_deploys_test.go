package gateway_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func opsDeploys(t *testing.T, r *opsRun) {
	dep := r.firstDeployment(t, r.org, "DEDICATED")

	const listDeploys = `query($org: String!, $d: String!, $first: Int) { astro { organization(id: $org) { deployment(id: $d) {
		deploys(first: $first) { totalCount nodes { id deployId status type imageTag createdAt git { provider commitSha } } } } } } }`
	d := r.succeed(t, []string{"ListDeploys"}, listDeploys, map[string]any{"org": r.org, "d": dep, "first": 10})
	deploys := list(t, d, "astro.organization.deployment.deploys.nodes")
	require.NotEmpty(t, deploys)
	for i := 1; i < len(deploys); i++ {
		assert.GreaterOrEqual(t, str(t, deploys, itoa(i-1)+".createdAt"), str(t, deploys, itoa(i)+".createdAt"), "newest first")
	}
	e := r.rejectBeforeWrite(t, "ListDeploys", "BAD_USER_INPUT", listDeploys, map[string]any{"org": r.org, "d": dep, "first": -1})
	assert.Equal(t, "first", e.Extensions["field"])

	var deployed string
	for _, n := range deploys {
		if str(t, n, "status") == "DEPLOYED" {
			deployed = str(t, n, "deployId")
			break
		}
	}
	require.NotEmpty(t, deployed, "the dataset has a DEPLOYED deploy to roll back to")

	const getDeploy = `query($org: String!, $d: String!, $id: String!) { astro { organization(id: $org) { deployment(id: $d) { deploy(id: $id) { id deployId status imageRepository } } } } }`
	d = r.succeed(t, []string{"GetDeploy"}, getDeploy, map[string]any{"org": r.org, "d": dep, "id": deployed})
	assert.Equal(t, "DEPLOYED", str(t, d, "astro.organization.deployment.deploy.status"))
	globalID := str(t, d, "astro.organization.deployment.deploy.id")
	r.reject(t, "GetDeploy", "NOT_FOUND", true, getDeploy, map[string]any{"org": r.org, "d": dep, "id": missingID})
	d = r.succeed(t, []string{"GetDeploy"}, `query($id: ID!) { node(id: $id) { ... on AstroDeploy { deployId deploymentId } } }`, map[string]any{"id": globalID})
	assert.Equal(t, deployed, str(t, d, "node.deployId"), "a deploy's global id fetches it again")

	const create = `mutation($in: CreateAstroDeployInput!) { createAstroDeploy(input: $in) { deploy { deployId status type description dagsUploadUrl git { provider repo } } } }`
	in := func(fields map[string]any) map[string]any {
		m := map[string]any{"organizationId": r.org, "deploymentId": dep}
		for k, v := range fields {
			m[k] = v
		}
		return map[string]any{"in": m}
	}
	d = r.succeed(t, []string{"CreateDeploy"}, create, in(map[string]any{"type": "IMAGE_AND_DAG", "description": "from the ops test",
		"git": map[string]any{"provider": "GITHUB", "commitSha": "0123456789abcdef", "account": "acme", "repo": "pipelines", "branch": "main"}}))
	created := str(t, d, "createAstroDeploy.deploy.deployId")
	assert.Equal(t, "INITIALIZED", str(t, d, "createAstroDeploy.deploy.status"))
	assert.NotEmpty(t, dig(t, d, "createAstroDeploy.deploy.dagsUploadUrl"))
	e = r.reject(t, "CreateDeploy", "BAD_USER_INPUT", false, create, in(map[string]any{"type": "BUNDLE"}))
	assert.Equal(t, "input.bundleType", e.Extensions["field"])
	e = r.reject(t, "CreateDeploy", "BAD_USER_INPUT", false, create, in(map[string]any{"type": "DAG_ONLY", "bundleType": "dbt"}))
	assert.Equal(t, "input.bundleType", e.Extensions["field"])
	e = r.reject(t, "CreateDeploy", "BAD_USER_INPUT", false, create, in(map[string]any{"type": "DAG_ONLY",
		"git": map[string]any{"provider": "GENERIC", "commitSha": "abc", "remoteUrl": "https://git.example/x.git", "account": "acme"}}))
	assert.Equal(t, "input.git.account", e.Extensions["field"])
	r.reject(t, "CreateDeploy", "NOT_FOUND", true, create, map[string]any{"in": map[string]any{"organizationId": r.org, "deploymentId": missingID, "type": "IMAGE_ONLY"}})

	const update = `mutation($in: UpdateAstroDeployInput!) { updateAstroDeploy(input: $in) { deploy { deployId description } } }`
	d = r.succeed(t, []string{"UpdateDeploy"}, update, in(map[string]any{"deployId": created, "description": "renamed"}))
	assert.Equal(t, "renamed", str(t, d, "updateAstroDeploy.deploy.description"))
	e = r.reject(t, "UpdateDeploy", "BAD_USER_INPUT", false, update, in(map[string]any{"deployId": created, "description": strings.Repeat("d", 501)}))
	assert.Equal(t, "input.description", e.Extensions["field"])
	r.reject(t, "UpdateDeploy", "NOT_FOUND", true, update, in(map[string]any{"deployId": missingID, "description": "x"}))

	const finalize = `mutation($in: FinalizeAstroDeployInput!) { finalizeAstroDeploy(input: $in) { deploy { deployId status dagTarballVersion } } }`
	r.reject(t, "FinalizeDeploy", "BAD_USER_INPUT", false, finalize, in(map[string]any{"deployId": created, "dagTarballVersion": "v1", "bundleTarballVersion": "v1"}))
	r.reject(t, "FinalizeDeploy", "BAD_USER_INPUT", true, finalize, in(map[string]any{"deployId": missingID, "dagTarballVersion": "v1"}))
	d = r.succeed(t, []string{"FinalizeDeploy"}, finalize, in(map[string]any{"deployId": created, "dagTarballVersion": "2026-11-23T00:00:00Z"}))
	assert.Equal(t, "DEPLOYED", str(t, d, "finalizeAstroDeploy.deploy.status"))
	e = r.reject(t, "FinalizeDeploy", "BAD_USER_INPUT", true, finalize, in(map[string]any{"deployId": created, "dagTarballVersion": "again"}))
	assert.Contains(t, e.Message, "INITIALIZED", "only an INITIALIZED deploy can be finalized")

	const rollback = `mutation($in: RollbackAstroDeployInput!) { rollbackAstroDeploy(input: $in) { deploy { deployId status rollbackFromId description } } }`
	d = r.succeed(t, []string{"DeployRollback"}, rollback, in(map[string]any{"deployId": deployed, "description": "back to a known good image"}))
	assert.NotEqual(t, deployed, str(t, d, "rollbackAstroDeploy.deploy.deployId"), "a rollback makes a new deploy")
	r.reject(t, "DeployRollback", "NOT_FOUND", true, rollback, in(map[string]any{"deployId": missingID}))

	opsAgentTokens(t, r, dep)
}

func opsAgentTokens(t *testing.T, r *opsRun, dep string) {
	const create = `mutation($in: CreateAstroAgentTokenInput!) { createAstroAgentToken(input: $in) { agentToken { id agentTokenId name token shortToken expiryPeriodInDays } } }`
	d := r.succeed(t, []string{"CreateAgentToken"}, create, map[string]any{"in": map[string]any{
		"organizationId": r.org, "deploymentId": dep, "name": "ops-agent", "description": "remote agent", "tokenExpiryPeriodInDays": 30}})
	tok := str(t, d, "createAstroAgentToken.agentToken.agentTokenId")
	assert.NotEmpty(t, dig(t, d, "createAstroAgentToken.agentToken.token"), "the secret, shown once")
	e := r.reject(t, "CreateAgentToken", "BAD_USER_INPUT", false, create, map[string]any{"in": map[string]any{
		"organizationId": r.org, "deploymentId": dep, "name": "x", "tokenExpiryPeriodInDays": 4000}})
	assert.Equal(t, "input.tokenExpiryPeriodInDays", e.Extensions["field"])

	const lst = `query($org: String!, $d: String!, $first: Int) { astro { organization(id: $org) { deployment(id: $d) { agentTokens(first: $first, sorts: [NAME_ASC]) { totalCount nodes { agentTokenId name token } } } } } }`
	d = r.succeed(t, []string{"ListAgentTokens"}, lst, map[string]any{"org": r.org, "d": dep, "first": 100})
	found := false
	for _, n := range list(t, d, "astro.organization.deployment.agentTokens.nodes") {
		found = found || str(t, n, "agentTokenId") == tok
		assert.Nil(t, dig(t, n, "token"), "a list never shows secrets")
	}
	assert.True(t, found)
	r.rejectBeforeWrite(t, "ListAgentTokens", "BAD_USER_INPUT", lst, map[string]any{"org": r.org, "d": dep, "first": 5000})

	const get = `query($org: String!, $d: String!, $id: String!) { astro { organization(id: $org) { deployment(id: $d) { agentToken(id: $id) { name description } } } } }`
	d = r.succeed(t, []string{"GetAgentToken"}, get, map[string]any{"org": r.org, "d": dep, "id": tok})
	assert.Equal(t, "ops-agent", str(t, d, "astro.organization.deployment.agentToken.name"))
	r.reject(t, "GetAgentToken", "NOT_FOUND", true, get, map[string]any{"org": r.org, "d": dep, "id": missingID})

	const del = `mutation($in: DeleteAstroAgentTokenInput!) { deleteAstroAgentToken(input: $in) { id agentTokenId } }`
	vars := map[string]any{"in": map[string]any{"organizationId": r.org, "deploymentId": dep, "agentTokenId": tok}}
	r.succeed(t, []string{"DeleteAgentToken"}, del, vars)
	r.reject(t, "DeleteAgentToken", "NOT_FOUND", true, del, vars)
}
