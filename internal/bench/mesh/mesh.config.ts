// Composes the supergraph that Hive Gateway serves in the side-by-side
// benchmark (internal/bench/mesh_test.go): the Astro OpenAPI document, read
// from ../shared at run time and never copied, and Houston's schema,
// introspected from the running houstonsim; joined by the links a Mesh user
// would add, batched where Mesh can batch them.
import { createPrefixTransform, defineConfig, loadGraphQLHTTPSubgraph } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (start.sh sets it)`);
  return v;
};

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Astro', {
        source: env('ASTRO_SPEC'),
        endpoint: env('ASTRO_API_URL'),
        operationHeaders: { Authorization: '{context.headers.authorization}' },
        // ?workspaceIds=a&workspaceIds=b: the spec's form/explode default.
        queryStringOptions: { arrayFormat: 'repeat' },
        // Answers are the 200 types themselves (errors still surface as
        // GraphQL errors), so that links can name a result path.
        ignoreErrorResponses: true,
      }),
    },
    {
      sourceHandler: loadGraphQLHTTPSubgraph('Houston', {
        endpoint: env('HOUSTON_URL'),
        operationHeaders: { Authorization: '{context.headers.x-houston-token}' },
        schemaHeaders: { Authorization: env('HOUSTON_SCHEMA_TOKEN') },
      }),
      // Both APIs have Workspace, Deployment, User …: Houston's become
      // Houston_Workspace, and its root fields Houston_workspaces.
      transforms: [createPrefixTransform({ value: 'Houston_', includeRootOperations: true })],
    },
  ],
  additionalTypeDefs: /* GraphQL */ `
    extend type Deployment {
      "The deployment's workspace: one ListWorkspaces?workspaceIds=… for every deployment of a response."
      workspace: Workspace
        @resolveTo(
          sourceName: "Astro"
          sourceTypeName: "Query"
          sourceFieldName: "ListWorkspaces"
          requiredSelectionSet: "{ workspaceId organizationId }"
          keyField: "workspaceId"
          keysArg: "workspaceIds"
          additionalArgs: { organizationId: "{root.organizationId}", limit: 1000 }
          result: "workspaces"
          valueKeyField: "id"
        )
    }
    extend type Workspace {
      """
      The workspace's deployments: one ListDeployments?workspaceIds=… for every
      workspace of a response. Mesh cannot page per parent, and the batch is one
      page of at most 1,000 (the API's maximum limit) for all workspaces together.
      """
      deployments: [Deployment]
        @resolveTo(
          sourceName: "Astro"
          sourceTypeName: "Query"
          sourceFieldName: "ListDeployments"
          requiredSelectionSet: "{ id organizationId }"
          keyField: "id"
          keysArg: "workspaceIds"
          additionalArgs: { organizationId: "{root.organizationId}", limit: 1000 }
          result: "deployments"
          valueKeyField: "workspaceId"
        )
      """
      The same, without batching: one ListDeployments?workspaceIds=<this one> per
      workspace. (sourceArgs interpolates strings and drops numbers, hence "1000".)
      """
      deploymentsEach: [Deployment]
        @resolveTo(
          sourceName: "Astro"
          sourceTypeName: "Query"
          sourceFieldName: "ListDeployments"
          requiredSelectionSet: "{ id organizationId }"
          sourceArgs: { organizationId: "{root.organizationId}", workspaceIds: ["{root.id}"], limit: "1000" }
          result: "deployments"
        )
    }
    extend type Houston_Workspace {
      """
      The workspace's deployments. Houston has no field that takes several
      workspaces, so this cannot be a keyed batch; Hive Gateway's executor
      merges the concurrent calls into one aliased document all the same.
      """
      deployments: [Houston_Deployment]
        @resolveTo(
          sourceName: "Houston"
          sourceTypeName: "Query"
          sourceFieldName: "Houston_workspaceDeployments"
          requiredSelectionSet: "{ id }"
          sourceArgs: { workspaceUuid: "{root.id}" }
        )
    }
  `,
});
