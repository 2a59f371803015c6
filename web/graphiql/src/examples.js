// The examples of the GraphiQL page, as the plain page before it had them:
// a title, the document, and what to look up before running it (setup:
// the ids the Astro demo flow needs, or a deployment of a platform for the
// log-following examples). internal/gateway/examples_test.go reads this
// file: every document here is checked against the gateway's limits.
export const examples = {
  "Deployments on both platforms": { query: `{
  deployments(first: 10) {
    totalCount
    edges {
      node {
        id
        name
        platform
        status
        runtimeVersion
        workspace { name }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}` },
  "Astro organizations": { query: `{
  astro {
    organizations {
      nodes {
        name
        workspaces { totalCount nodes { name description } }
        clusters { nodes { name cloudProvider region } }
      }
    }
  }
}` },
  "Software workspaces and deployments": { query: `{
  software {
    houstonVersion
    appConfig { version baseDomain }
    workspaces {
      nodes {
        name
        users { totalCount edges { role node { username } } }
        deployments { nodes { name releaseName status runtimeVersion clusterId } }
      }
    }
  }
}` },
  "Report: deployments by runtime version": { query: `{
  deploymentReport(groupBy: RUNTIME_VERSION) {
    total
    rows { key count astro software }
  }
}` },
  "Fleet: backends, deployments by backend and status": { query: `{
  backends { name platform reachable tokenHeader version }
  deploymentReport(groupBy: BACKEND) {
    total
    rows { key count byStatus { status count } }
  }
}` },
  "Fleet: upgrade report (download: /export/upgrade-report.csv)": { query: `{
  upgradeReport {
    total
    byBackend { backend platform latestRuntimeVersion total current patch minor major unknown airflowEndOfLife }
    byLag { lag count }
    rows { backend name runtimeVersion latestRuntimeVersion lag releasesBehind airflowVersion airflowEndOfLife }
  }
}` },
  "Unhealthy deployments": { query: `{
  deployments(filter: {statuses: [UNHEALTHY]}, first: 50) {
    totalCount
    nodes { name platform status workspace { name } }
  }
}` },
  "Follow a Software deployment's logs": { platform: "SOFTWARE", query: `subscription FollowLogs($deploymentId: ID!) {
  deploymentLogs(deploymentId: $deploymentId, sources: [SCHEDULER, WORKER]) {
    timestamp
    source
    message
  }
}` },
  "Follow an Astro deployment's logs": { platform: "ASTRO", query: `subscription FollowLogs($deploymentId: ID!) {
  deploymentLogs(deploymentId: $deploymentId) {
    timestamp
    source
    message
  }
}` },
  "Watch the first ten deployments' statuses": { setup: "watch", query: `subscription Watch($ids: [ID!]!) {
  deploymentStatus(deploymentIds: $ids) {
    deploymentId
    status
    previous
    observedAt
    deployment { name platform }
  }
}` },
  "Astro demo 1: create a workspace with defaults": { setup: "org", query: `mutation CreateWorkspace($org: String!) {
  createAstroWorkspace(input: {organizationId: $org, name: "Demo", defaultCloudProvider: AWS, defaultRegion: "us-east-1"}) {
    workspace { workspaceId name defaultCloudProvider defaultRegion }
  }
}` },
  "Astro demo 2: create a deployment with only a name": { setup: "workspace", query: `mutation CreateDeployment($org: String!, $workspaceId: String!) {
  createAstroDeployment(input: {organizationId: $org, deployment: {minimal: {workspaceId: $workspaceId, name: "demo-etl"}}}) {
    deployment { id deploymentId name type cloudProvider region status runtimeVersion }
  }
}` },
  "Astro demo 3: find it on both platforms' list": { query: `{
  deployments(filter: {search: "demo-etl"}) {
    totalCount
    nodes { id name platform status workspace { name } }
  }
}` },
  "Astro demo 4: update it": { setup: "deployment", query: `mutation UpdateDeployment($org: String!, $deploymentId: String!) {
  updateAstroDeployment(input: {organizationId: $org, deploymentId: $deploymentId, deployment: {patch: {description: "nightly ETL", schedulerSize: MEDIUM}}}) {
    deployment { name description schedulerSize }
  }
}` },
  "Astro demo 5: read its logs": { setup: "deployment", query: `query Logs($org: String!, $deploymentId: String!) {
  astro { organization(id: $org) { deployment(id: $deploymentId) {
    name status
    logs(sources: [SCHEDULER, WORKER], first: 20) { nodes { timestamp source raw } }
  } } }
}` },
  "Astro demo 6: delete it": { setup: "deployment", query: `mutation DeleteDeployment($org: String!, $deploymentId: String!) {
  deleteAstroDeployment(input: {organizationId: $org, deploymentId: $deploymentId}) { deploymentId }
}` },
};

// lookups are the documents the examples' setups run first.
export const lookups = {
  watch: { query: `{ deployments(first: 10) { nodes { id } } }` },
  astro: { query: `{ astro { organizations(first: 1) { nodes { organizationId
    workspaces(names: ["Demo"]) { nodes { workspaceId } }
    deployments(names: ["demo-etl"]) { nodes { deploymentId } } } } } }` },
  platform: { query: `query($p: Platform!) { deployments(first: 1, filter: {platforms: [$p]}) { nodes { id name } } }` },
};
