export interface paths {
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness probe: 503 while the store or a required plugin is down */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format 0.0.4) */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document (the committed openapi/openapi.json) */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/plugins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List plugins (by name) */
        get: operations["listPlugins"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/plugins/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One plugin */
        get: operations["getPlugin"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/capabilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The capability catalog with providers by priority */
        get: operations["listCapabilities"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/capabilities/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One capability */
        get: operations["getCapability"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/capabilities/{name}/invoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Invoke any capability: queries answer 200, execution capabilities ({targets, params}) answer 202
         * @description For a query the body is its params. For an execution-mode capability the body is `{ "targets": [...], "params": {...}, "timeoutSeconds"? }` and the answer is the queued execution.
         */
        post: operations["invokeCapability"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Nodes of every inventory source, linked by name */
        get: operations["listNodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/nodes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One node by name (or alias) */
        get: operations["getNode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Groups of every inventory source, merged by name */
        get: operations["listGroups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes/{id}/facts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Facts of a node (cached by the provider) */
        get: operations["getNodeFacts"];
        put?: never;
        /** Gather the facts of a node again */
        post: operations["refreshNodeFacts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes/{id}/resources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Resources configuration management manages on a node: packages, services, files, ... (resources.list)
         * @description Asks every resources.list provider (PuppetDB: the resources of the node's last catalog); `sources` tells how each answered, `cursor` is the opaque `nextCursor` of the previous page. 404 for a node no inventory source knows.
         */
        get: operations["listNodeResources"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/nodes/{id}/journal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What was done to a node, newest first
         * @description 404 for a node that neither the inventory nor the journal knows (a node removed from the inventory keeps its journal).
         */
        get: operations["getNodeJournal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List executions, newest first */
        get: operations["listExecutions"];
        put?: never;
        /** Run a command, script, task or plan on targets */
        post: operations["createExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One execution with per-target results
         * @description A terminal execution no longer changes: it carries an `ETag`, and `If-None-Match` with it answers 304.
         */
        get: operations["getExecution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/wait": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Long-poll until the execution is terminal (or the timeout passes)
         * @description Answers 200 with the execution once terminal; when `timeout` seconds pass first it answers 200 with the still-running execution (check `status`).
         */
        get: operations["waitExecution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel: a queued run ends at once, a running one has its process trees killed
         * @description Needs the permissions of the run's capability (e.g. `command.execute`, `command.*`, or `*`), as submitting it does; else 403.
         */
        post: operations["cancelExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/output": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stored output and events, by sequence range (JSON or text/plain)
         * @description JSON pages of events after `after`; with `Accept: text/plain` (or format=text), the stdout/stderr output as text: each piece once, a newline after every piece that ended a line and none after a `partial` one (so a prompt or a `\r` progress bar reads as printed), lines prefixed by `[target] ` when there are several targets. `X-Next-After` gives the cursor of the next page.
         */
        get: operations["getExecutionOutput"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/executions/{id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events: replay from Last-Event-ID / ?after=, then live, ending with `complete` */
        get: operations["streamExecution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What runs, what waits, and why */
        get: operations["getQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Run reports of every reports source, newest first (reports.list, or reports.query with query criteria)
         * @description Aggregates every provider: `sources` tells how each answered; one failing source never fails the call. `cursor` is the opaque `nextCursor` of the previous page.
         */
        get: operations["listReports"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One report with its logs and resource events (reports.get)
         * @description The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.
         */
        get: operations["getReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Events of every events source, newest first (events.list, or events.query with query criteria)
         * @description Aggregates every provider: `sources` tells how each answered; one failing source never fails the call. `cursor` is the opaque `nextCursor` of the previous page.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-sent events: new events of every source as they happen (events.stream), resumable with Last-Event-ID
         * @description Polls every events.stream provider from its own cursor (every 1000 ms) and pushes each new event, oldest first, as `event: event` whose `id:` is the stream cursor; reconnect with Last-Event-ID (or ?after=) to get only newer events. Without a cursor the stream starts from now. With ?follow=false it ends, after an `event: caught_up` frame carrying the cursor, once every source is read to its end. `event: source_status` reports a source failing or recovering; `: heartbeat` comments keep the connection alive. Polling stops when the client disconnects.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Alerts of every monitoring source, newest first (alert.list)
         * @description Aggregates every provider: `sources` tells how each answered. Repeat `status` and `severity` for several values; `labels` is a deepObject (`labels[team]=infra`).
         */
        get: operations["listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One alert with its labels, annotations and acknowledgement (alert.get)
         * @description The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.
         */
        get: operations["getAlert"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Acknowledge an alert for a while (alert.acknowledge; a silence in Alertmanager)
         * @description Sent to the source that raised the alert; the caller is recorded as `acknowledgement.by`.
         */
        post: operations["acknowledgeAlert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark an alert resolved (alert.resolve)
         * @description Sent to the source that raised the alert.
         */
        post: operations["resolveAlert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send new alerts matching a filter to a webhook receiver (alert.subscribe) */
        post: operations["createAlertSubscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Packages installed on a node, as every package source reports them (package.list)
         * @description Aggregates every provider: each item names its `source`; `sources` tells how each answered. Not paginated (`nextCursor` is null).
         */
        get: operations["listPackages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search the package repositories by name (package.search)
         * @description Asks every provider; answers at most `limit` packages, sources in priority order, each item naming its `source`. Not paginated.
         */
        get: operations["searchPackages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages/install": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Install packages on the targets (package.install)
         * @description Submits package.install through the execution engine: 202 with the queued execution, a Location header and links to follow it.
         */
        post: operations["installPackages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages/uninstall": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove packages from the targets (package.uninstall)
         * @description Submits package.uninstall through the execution engine: 202 with the queued execution, a Location header and links to follow it.
         */
        post: operations["uninstallPackages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages/update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upgrade packages on the targets (package.update)
         * @description Submits package.update through the execution engine: 202 with the queued execution, a Location header and links to follow it.
         */
        post: operations["updatePackages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Past deployments of every deployment source, newest first (deploy.history)
         * @description Aggregates every provider: `sources` tells how each answered; one failing source never fails the call. `cursor` is the opaque `nextCursor` of the previous page.
         */
        get: operations["listDeployments"];
        put?: never;
        /**
         * Deploy an application version to the targets (deploy.execute)
         * @description Submits deploy.execute through the execution engine: 202 with the queued execution, a Location header and links to follow it.
         */
        post: operations["createDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The state of one deployment (deploy.status)
         * @description The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.
         */
        get: operations["getDeployment"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll the targets back from this deployment (deploy.rollback)
         * @description Submits deploy.rollback with `deploymentId` = the path id: 202 with the queued execution and a Location header.
         */
        post: operations["rollbackDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provisioning": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a machine from a template (provision.create)
         * @description Submits provision.create on the targets that drive the provisioner (e.g. `localhost` for a local Terraform): 202 with the queued execution and a Location header. Each target result carries the ProvisionedResource as `value`.
         */
        post: operations["createProvisionedResource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provisioning/decommission": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deregister, power off or destroy the target nodes (decommission.execute)
         * @description Submits decommission.execute on the nodes to decommission: 202 with the queued execution and a Location header.
         */
        post: operations["decommissionNodes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provisioning/decommission/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where a node stands in decommissioning (decommission.status)
         * @description The best provider answers; when it answers `unknown`, the other providers are asked.
         */
        get: operations["getDecommissionStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/provisioning/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The state of a provisioned resource (provision.status)
         * @description The best provider answers; when it does not know the id, the other providers are asked. 404 when none knows it.
         */
        get: operations["getProvisionedResource"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/config-server/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health of the configuration server: services, their state, the compiler pool (configserver.status) */
        get: operations["getConfigServerStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/config-server/environments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Code environments with their settings, classes and modules (configserver.environments)
         * @description With `environment`, that one only (404 `CAPSTAN_ERR_ENVIRONMENT_NOT_FOUND` when unknown).
         */
        get: operations["listConfigServerEnvironments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/certificates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Node certificates and pending requests of the CA (certificate.list) */
        get: operations["listCertificates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/query": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a query in a source's native language (PuppetDB PQL or AST); admin permission `*` only
         * @description The body is query.native's params: `query` is PQL (`nodes[certname] { latest_report_status = 'failed' }`) or an AST as JSON text starting with `from`. The best provider answers (or `?provider=`). Rows come as the source answers them; `truncated` tells when `limit` cut them.
         */
        post: operations["runNativeQuery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API tokens (admin), oldest first, revoked ones included; never a secret */
        get: operations["listTokens"];
        put?: never;
        /** Create an API token (admin); the answer holds its secret, once */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token (admin); it answers 401 from now on. Revoking a revoked token is a no-op */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        /** Change an API token's roles, scope or expiry (admin); its secret stays the same */
        patch: operations["updateToken"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description Category, code, title and detail of a failure (a reduced problem object).
         * @example {
         *       "category": "unavailable",
         *       "code": "CAPSTAN_ERR_TARGET_CONNECT_FAILED",
         *       "title": "Connection to target failed",
         *       "detail": "ssh: connect to host web1 port 22: Connection refused"
         *     }
         */
        ErrorSummary: {
            /** @description Error category: validation, unauthorized, forbidden, not_found, conflict, rate_limited, unavailable, timeout, execution_failed, not_implemented, internal. */
            category: string;
            /** @description Stable catalogue code, `CAPSTAN_ERR_<AREA>_<WHAT>`. */
            code: string;
            title: string;
            detail: string;
        };
        /**
         * @description RFC 9457 problem details (application/problem+json).
         * @example {
         *       "type": "https://capstan.dev/errors#capstan_err_capability_params_invalid",
         *       "title": "Invalid capability parameters",
         *       "status": 400,
         *       "detail": "params of 'command.execute' do not match its contract: /params/command must NOT have fewer than 1 characters",
         *       "instance": "/api/v1/executions",
         *       "category": "validation",
         *       "code": "CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID",
         *       "requestId": "req-1a2b3c",
         *       "capability": "command.execute",
         *       "errors": [
         *         {
         *           "in": "body",
         *           "pointer": "/params/command",
         *           "message": "must NOT have fewer than 1 characters"
         *         }
         *       ]
         *     }
         */
        Problem: {
            /**
             * Format: uri
             * @description The problem type: `https://capstan.dev/errors#` + the code in lower case, its section of docs/errors.md. Compare it as an identifier (or read `code`).
             */
            type: string;
            /** @description Short summary of the problem type. */
            title: string;
            /** @description HTTP status code. */
            status: number;
            /** @description What went wrong in this occurrence. */
            detail: string;
            /** @description The request path this problem occurred on. */
            instance: string;
            /**
             * @description Error category.
             * @enum {string}
             */
            category: "validation" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited" | "unavailable" | "timeout" | "execution_failed" | "not_implemented" | "internal";
            /** @description Stable catalogue code (docs/errors.md). */
            code: string;
            /** @description Request id, also on every log line of the request. */
            requestId: string;
            /** @description Each validation problem (category `validation`). */
            errors?: {
                /**
                 * @description The request part holding the offending value: the JSON body, the query string, a path parameter or a header.
                 * @enum {string}
                 */
                in: "body" | "query" | "path" | "header";
                /** @description RFC 6901 JSON pointer into that part: into the JSON body as sent for `body` (`/params/command`, `""` for the whole body); into the object of the query, path or header values otherwise (`/limit`, `/id`, `/idempotency-key`). */
                pointer: string;
                message: string;
            }[];
            /** @description The permissions the token lacks (category `forbidden`, HTTP 403): a capability name, or `*` for a run on the server itself. */
            missingPermissions?: string[];
        } & {
            [key: string]: unknown;
        };
        /**
         * @description How one source answered an aggregate read.
         * @example {
         *       "source": "puppetdb",
         *       "status": "ok",
         *       "durationMs": 42.5
         *     }
         */
        SourceStatus: {
            /** @description Plugin id of the source. */
            source: string;
            /** @enum {string} */
            status: "ok" | "error" | "timeout";
            durationMs: number;
            error?: components["schemas"]["ErrorSummary"];
        };
        /**
         * @description One inventory source that knows a node, with the id it uses.
         * @example {
         *       "source": "bolt",
         *       "id": "web1.example.com"
         *     }
         */
        NodeSource: {
            /** @description Plugin id of the inventory source. */
            source: string;
            /** @description The node's id in that source (certname, inventory key, ...). */
            id: string;
        };
        /**
         * @description The few facts shown with a node in listings.
         * @example {
         *       "osFamily": "Debian",
         *       "osName": "Ubuntu",
         *       "osRelease": "22.04",
         *       "kernel": "Linux",
         *       "hostname": "web1"
         *     }
         */
        FactsSummary: {
            osFamily?: string;
            osName?: string;
            osRelease?: string;
            kernel?: string;
            hostname?: string;
        };
        /**
         * @description A managed host. Nodes seen by several sources are linked into one node by name; `sources` lists each.
         * @example {
         *       "id": "web1.example.com",
         *       "name": "web1.example.com",
         *       "uri": "ssh://web1.example.com",
         *       "transport": "ssh",
         *       "groups": [
         *         "webservers"
         *       ],
         *       "sources": [
         *         {
         *           "source": "bolt",
         *           "id": "web1.example.com"
         *         },
         *         {
         *           "source": "puppetdb",
         *           "id": "web1.example.com"
         *         }
         *       ],
         *       "facts": {
         *         "osFamily": "Debian",
         *         "osName": "Ubuntu",
         *         "osRelease": "22.04",
         *         "kernel": "Linux",
         *         "hostname": "web1"
         *       }
         *     }
         */
        Node: {
            /** @description Node id; equal to the inventory name. */
            id: string;
            /** @description Inventory name (what targets refer to). */
            name: string;
            /** @description Connection URI, e.g. ssh://web1.example.com:22. */
            uri?: string;
            /** @description Other names the node answers to. */
            alias?: string[];
            /** @description Transport used to reach it: local, ssh, winrm, docker, ... */
            transport?: string;
            /** @description Names of the groups the node belongs to. */
            groups: string[];
            /** @description Every source that knows this node (linked by name). */
            sources: components["schemas"]["NodeSource"][];
            /** @description Inventory variables. */
            vars?: {
                [key: string]: unknown;
            };
            facts?: components["schemas"]["FactsSummary"];
        };
        /**
         * @description A named set of nodes, as defined by an inventory source.
         * @example {
         *       "name": "webservers",
         *       "targets": [
         *         "web1.example.com",
         *         "web2.example.com"
         *       ],
         *       "sources": [
         *         "bolt"
         *       ]
         *     }
         */
        Group: {
            name: string;
            /** @description Names of the member nodes. */
            targets: string[];
            /** @description Names of child groups. */
            groups?: string[];
            /** @description Plugin ids of the sources that define the group. */
            sources: string[];
        };
        /**
         * @description Targets: node names or group names, expanded through the inventory (Bolt's --targets semantics).
         * @example [
         *       "web1.example.com",
         *       "webservers"
         *     ]
         */
        TargetSelection: string[];
        /**
         * @description The outcome of an execution on one target.
         * @example {
         *       "target": "web1.example.com",
         *       "status": "succeeded",
         *       "exitCode": 0,
         *       "durationMs": 812
         *     }
         * @example {
         *       "target": "localhost",
         *       "status": "failed",
         *       "exitCode": 137,
         *       "signal": "SIGKILL",
         *       "durationMs": 2310,
         *       "error": {
         *         "category": "execution_failed",
         *         "code": "CAPSTAN_ERR_EXECUTION_FAILED",
         *         "title": "Command failed on the target",
         *         "detail": "killed by signal SIGKILL (exit code 137)"
         *       }
         *     }
         * @example {
         *       "target": "web2.example.com",
         *       "status": "failed",
         *       "exitCode": null,
         *       "durationMs": 10004,
         *       "error": {
         *         "category": "unavailable",
         *         "code": "CAPSTAN_ERR_TARGET_CONNECT_FAILED",
         *         "title": "Connection to target failed",
         *         "detail": "Connection refused"
         *       }
         *     }
         */
        TargetResult: {
            /** @description Node name. */
            target: string;
            /** @enum {string} */
            status: "succeeded" | "failed" | "canceled" | "timed_out" | "skipped";
            /** @description Exit code, or null when nothing exited; 128 + n when signal n killed the process (137 = SIGKILL), as a shell reports it. */
            exitCode: number | null;
            /** @description The signal that killed the top-level process, when the transport knows it (local targets). */
            signal?: string;
            /** @description Structured value for this target (task output, parsed result). */
            value?: unknown;
            error?: components["schemas"]["ErrorSummary"];
            durationMs?: number;
            /** @description The run changed the target (capabilities whose exit codes say so, e.g. puppet.run: exit code 2 or 6). */
            changed?: boolean;
        };
        /**
         * @description What every execution-mode handler returns: one result per target.
         * @example {
         *       "results": [
         *         {
         *           "target": "web1.example.com",
         *           "status": "succeeded",
         *           "exitCode": 0
         *         }
         *       ]
         *     }
         */
        ExecutionResult: {
            results: components["schemas"]["TargetResult"][];
        };
        /**
         * @description Normalized facts of a node, plus the raw facts as gathered.
         * @example {
         *       "node": "web1.example.com",
         *       "os": {
         *         "family": "Debian",
         *         "name": "Ubuntu",
         *         "release": "22.04"
         *       },
         *       "kernel": "Linux",
         *       "kernelRelease": "5.15.0-100-generic",
         *       "hostname": "web1",
         *       "processors": {
         *         "count": 4,
         *         "model": "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz"
         *       },
         *       "memory": {
         *         "totalBytes": 8348520448
         *       },
         *       "networking": {
         *         "fqdn": "web1.example.com",
         *         "ipAddresses": [
         *           "10.0.0.11"
         *         ]
         *       },
         *       "gatheredAt": "2026-11-25T10:00:00Z",
         *       "source": "facter"
         *     }
         */
        Facts: {
            /** @description Node name. */
            node: string;
            os: {
                family?: string;
                name?: string;
                release?: string;
            };
            /** @description Kernel name, as `uname -s` and Facter's `kernel` say (`Linux`). */
            kernel?: string;
            /** @description Kernel release, as `uname -r` and Facter's `kernelrelease` say (`6.1.0-28-amd64`). */
            kernelRelease?: string;
            hostname?: string;
            processors?: {
                count?: number;
                model?: string;
            };
            memory?: {
                totalBytes?: number;
            };
            networking?: {
                fqdn?: string;
                ipAddresses?: string[];
                /** @description Interfaces by name, as the source reports them. */
                interfaces?: {
                    [key: string]: unknown;
                };
            };
            /** @description All facts as gathered (Facter, Ansible setup, ...). */
            raw?: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description When the facts were gathered.
             */
            gatheredAt: string;
            /** @description Plugin id that gathered them. */
            source?: string;
        };
        /**
         * @description One configuration-management run on a node (a Puppet report, a Chef run, ...).
         * @example {
         *       "id": "2b5f5c1e9a0d3c7e8f6a4b2d1c0e9f8a7b6c5d4e",
         *       "node": "web1.example.com",
         *       "source": "puppetdb",
         *       "status": "changed",
         *       "startTime": "2026-11-25T09:30:00Z",
         *       "endTime": "2026-11-25T09:30:41Z",
         *       "noop": false,
         *       "environment": "production",
         *       "configurationVersion": "1764063000",
         *       "agentVersion": "8.10.0",
         *       "metrics": {
         *         "resources": {
         *           "total": 412,
         *           "changed": 2,
         *           "failed": 0,
         *           "skipped": 0,
         *           "outOfSync": 2
         *         },
         *         "durationSeconds": 41.2
         *       }
         *     }
         */
        Report: {
            /** @description Report id in its source (PuppetDB report hash, run id). */
            id: string;
            /** @description Node name. */
            node: string;
            /** @description Plugin id of the source. */
            source: string;
            /**
             * @description Outcome of the run: resources changed, nothing changed, or failures.
             * @enum {string}
             */
            status: "changed" | "unchanged" | "failed";
            /** Format: date-time */
            startTime: string;
            /** Format: date-time */
            endTime?: string;
            /** @description True for a simulation (noop) run. */
            noop?: boolean;
            /** @description Code environment, e.g. production. */
            environment?: string;
            configurationVersion?: string;
            /** @description Version of the agent that ran (Puppet, Chef, ...). */
            agentVersion?: string;
            /** @description True when the run corrected drift. */
            correctiveChange?: boolean;
            metrics?: {
                resources?: {
                    total?: number;
                    changed?: number;
                    failed?: number;
                    skipped?: number;
                    outOfSync?: number;
                };
                durationSeconds?: number;
            };
            /** @description Log lines of the run (usually only in reports.get). */
            logs?: {
                /** Format: date-time */
                time: string;
                /** @description debug, info, notice, warning, err, ... */
                level: string;
                source?: string;
                message: string;
            }[];
            /** @description Per-resource changes of the run (usually only in reports.get). */
            resourceEvents?: {
                resourceType: string;
                resourceTitle: string;
                property?: string;
                /** @enum {string} */
                status: "success" | "failure" | "noop" | "skipped";
                oldValue?: unknown;
                newValue?: unknown;
                message?: string;
            }[];
        };
        /**
         * @description Something that happened on a node, as a source recorded it.
         * @example {
         *       "id": "evt-000123",
         *       "node": "web1.example.com",
         *       "timestamp": "2026-11-25T09:30:12Z",
         *       "type": "resource_change",
         *       "severity": "notice",
         *       "message": "Service[nginx] ensure changed 'stopped' to 'running'",
         *       "source": "puppetdb",
         *       "data": {
         *         "resourceType": "Service",
         *         "resourceTitle": "nginx",
         *         "property": "ensure",
         *         "oldValue": "stopped",
         *         "newValue": "running"
         *       }
         *     }
         */
        Event: {
            id: string;
            /** @description Node name the event is about. */
            node: string;
            /** Format: date-time */
            timestamp: string;
            /** @description Kind of event: resource_change, service_restart, agent_run, package_change, ... */
            type: string;
            /** @enum {string} */
            severity?: "debug" | "info" | "notice" | "warning" | "error" | "critical";
            message: string;
            /** @description Plugin id of the source. */
            source: string;
            /** @description Source-specific details. */
            data?: {
                [key: string]: unknown;
            };
        };
        /**
         * @description An alert raised by a monitoring system.
         * @example {
         *       "id": "6f1e2d3c4b5a6978",
         *       "name": "HighDiskUsage",
         *       "severity": "warning",
         *       "status": "firing",
         *       "labels": {
         *         "alertname": "HighDiskUsage",
         *         "instance": "web1.example.com:9100",
         *         "severity": "warning"
         *       },
         *       "annotations": {
         *         "summary": "Disk / is 91% full on web1.example.com"
         *       },
         *       "startsAt": "2026-11-25T08:12:00Z",
         *       "source": "alertmanager",
         *       "node": "web1.example.com"
         *     }
         */
        Alert: {
            /** @description Alert id in its source (Alertmanager fingerprint). */
            id: string;
            /** @description Alert name (the `alertname` label). */
            name: string;
            /** @enum {string} */
            severity: "critical" | "error" | "warning" | "info";
            /** @enum {string} */
            status: "firing" | "acknowledged" | "resolved" | "suppressed";
            labels: {
                [key: string]: string;
            };
            /** @description summary, description, runbook_url, ... */
            annotations: {
                [key: string]: string;
            };
            /** Format: date-time */
            startsAt: string;
            /** Format: date-time */
            endsAt?: string;
            /** @description Plugin id of the source. */
            source: string;
            /** @description Node name, when the alert is about one node. */
            node?: string;
            /** @description Link to the rule or graph that fired it. */
            generatorUrl?: string;
            acknowledgement?: {
                by: string;
                /** Format: date-time */
                at: string;
                comment?: string;
                /**
                 * Format: date-time
                 * @description End of the silence that holds the acknowledgement.
                 */
                until?: string;
            };
        };
        /**
         * @description A software package known to a package manager (apt, yum/dnf, zypper, ...).
         * @example {
         *       "name": "openssl",
         *       "version": "3.0.2-0ubuntu1.15",
         *       "architecture": "amd64",
         *       "status": "upgradable",
         *       "availableVersion": "3.0.2-0ubuntu1.18",
         *       "repository": "jammy-security",
         *       "source": "apt"
         *     }
         */
        Package: {
            name: string;
            /** @description Installed version (or candidate version when available). */
            version?: string;
            /** @description amd64, x86_64, noarch, all, ... */
            architecture?: string;
            /** @enum {string} */
            status: "installed" | "available" | "upgradable";
            /** @description Candidate version when upgradable. */
            availableVersion?: string;
            /** @description Repository or origin (jammy-updates, baseos, ...). */
            repository?: string;
            description?: string;
            /** @description Plugin id of the source. */
            source: string;
        };
        /**
         * @description One deployment of an application version to an environment.
         * @example {
         *       "id": "dep-2026-11-25-0007",
         *       "application": "storefront",
         *       "version": "2.14.1",
         *       "environment": "production",
         *       "status": "succeeded",
         *       "startedAt": "2026-11-25T10:02:00Z",
         *       "finishedAt": "2026-11-25T10:06:31Z",
         *       "targets": [
         *         "web1.example.com",
         *         "web2.example.com"
         *       ],
         *       "previousVersion": "2.14.0",
         *       "source": "jenkins"
         *     }
         */
        Deployment: {
            id: string;
            application: string;
            /** @description Version, tag or commit deployed. */
            version: string;
            environment: string;
            /** @enum {string} */
            status: "pending" | "running" | "succeeded" | "failed" | "canceled" | "rolled_back";
            /** Format: date-time */
            startedAt: string;
            /** Format: date-time */
            finishedAt?: string;
            /** @description Node names deployed to. */
            targets: string[];
            /** @description Version that was live before (the rollback point). */
            previousVersion?: string;
            initiatedBy?: string;
            /** @description Link to the pipeline or job in the CI/CD tool. */
            url?: string;
            /** @description Plugin id of the source. */
            source?: string;
        };
        /**
         * @description A machine or other resource created by a provisioning tool.
         * @example {
         *       "id": "4217c6a2-5b1e-4c3d-9f0a-1e2d3c4b5a69",
         *       "name": "web3.example.com",
         *       "provider": "vsphere",
         *       "type": "vsphere_virtual_machine",
         *       "status": "running",
         *       "node": "web3.example.com",
         *       "attributes": {
         *         "cpus": 2,
         *         "memoryMb": 4096,
         *         "ipAddress": "10.0.0.13"
         *       },
         *       "createdAt": "2026-11-25T11:00:00Z",
         *       "source": "terraform"
         *     }
         */
        ProvisionedResource: {
            /** @description Resource id in its provider (VM UUID, Terraform address). */
            id: string;
            /** @description Resource name; the inventory name once it is a node. */
            name: string;
            /** @description Infrastructure provider: vsphere, proxmox, libvirt, aws, ... */
            provider: string;
            /** @description Resource type, e.g. vsphere_virtual_machine. */
            type?: string;
            /** @enum {string} */
            status: "pending" | "creating" | "running" | "stopped" | "failed" | "destroying" | "destroyed";
            /** @description Inventory node name, once registered. */
            node?: string;
            /** @description Provider attributes (cpus, memory, ip addresses, ...). */
            attributes?: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt?: string;
            /** Format: date-time */
            updatedAt?: string;
            /** @description Plugin id that manages the resource. */
            source?: string;
        };
        /**
         * @description Filters of inventory.list; none lists every node.
         * @example {}
         * @example {
         *       "groups": [
         *         "webservers"
         *       ],
         *       "transport": "ssh"
         *     }
         */
        InventoryListParams: {
            /** @description Only nodes in at least one of these groups. */
            groups?: string[];
            /** @description Only nodes reached over this transport (local, ssh, winrm, ...). */
            transport?: string;
            /** @description The `version` of the snapshot the caller holds; while it is current the source may answer `notModified: true` and no items. */
            ifNoneMatch?: string;
        };
        /**
         * @description The nodes of the inventory (none, with `notModified`, when the caller's snapshot is current).
         * @example {
         *       "nodes": [
         *         {
         *           "id": "web1.example.com",
         *           "name": "web1.example.com",
         *           "transport": "ssh",
         *           "groups": [
         *             "webservers"
         *           ],
         *           "sources": [
         *             {
         *               "source": "bolt",
         *               "id": "web1.example.com"
         *             }
         *           ]
         *         }
         *       ]
         *     }
         * @example {
         *       "nodes": [
         *         {
         *           "id": "web1.example.com",
         *           "name": "web1.example.com",
         *           "transport": "ssh",
         *           "groups": [
         *             "webservers"
         *           ],
         *           "sources": [
         *             {
         *               "source": "bolt",
         *               "id": "web1.example.com"
         *             }
         *           ]
         *         }
         *       ],
         *       "version": "a1b2c3.7"
         *     }
         * @example {
         *       "nodes": [],
         *       "version": "a1b2c3.7",
         *       "notModified": true
         *     }
         */
        InventoryListResult: {
            nodes: components["schemas"]["Node"][];
            /** @description Opaque version of the source's current snapshot (new data, new version); absent when the source has none. */
            version?: string;
            /** @description True when `ifNoneMatch` named the current snapshot: the list is then empty and the caller's copy is current. */
            notModified?: boolean;
        };
        /**
         * @description Which node to describe.
         * @example {
         *       "name": "web1.example.com"
         *     }
         */
        InventoryGetParams: {
            /** @description Node name (or one of its aliases). */
            name: string;
        };
        /**
         * @description One node.
         * @example {
         *       "node": {
         *         "id": "web1.example.com",
         *         "name": "web1.example.com",
         *         "transport": "ssh",
         *         "groups": [
         *           "webservers"
         *         ],
         *         "sources": [
         *           {
         *             "source": "bolt",
         *             "id": "web1.example.com"
         *           }
         *         ]
         *       }
         *     }
         * @example {
         *       "node": null
         *     }
         */
        InventoryGetResult: {
            /** @description The node, or null when this source does not know it. */
            node: components["schemas"]["Node"] | null;
        };
        /**
         * @description inventory.groups takes no filter; `ifNoneMatch` as in inventory.list.
         * @example {}
         */
        InventoryGroupsParams: {
            /** @description The `version` of the snapshot the caller holds; while it is current the source may answer `notModified: true` and no items. */
            ifNoneMatch?: string;
        };
        /**
         * @description The groups of the inventory (none, with `notModified`, when the caller's snapshot is current).
         * @example {
         *       "groups": [
         *         {
         *           "name": "webservers",
         *           "targets": [
         *             "web1.example.com",
         *             "web2.example.com"
         *           ],
         *           "sources": [
         *             "bolt"
         *           ]
         *         }
         *       ]
         *     }
         */
        InventoryGroupsResult: {
            groups: components["schemas"]["Group"][];
            /** @description Opaque version of the source's current snapshot (new data, new version); absent when the source has none. */
            version?: string;
            /** @description True when `ifNoneMatch` named the current snapshot: the list is then empty and the caller's copy is current. */
            notModified?: boolean;
        };
        /**
         * @description Criteria of inventory.filter; all given criteria must match.
         * @example {
         *       "name": "web*",
         *       "facts": {
         *         "os.family": "Debian"
         *       }
         *     }
         */
        InventoryFilterParams: {
            /** @description Glob on the node name (`*` and `?`), e.g. `web*.example.com`. */
            name?: string;
            /** @description Only nodes in at least one of these groups. */
            groups?: string[];
            /** @description Only nodes reached over this transport (local, ssh, winrm, ...). */
            transport?: string;
            /** @description Fact path (dot-separated) to the exact value it must have; all must match. */
            facts?: {
                [key: string]: string;
            };
        };
        /**
         * @description The nodes matching every criterion.
         * @example {
         *       "nodes": [
         *         {
         *           "id": "web1.example.com",
         *           "name": "web1.example.com",
         *           "transport": "ssh",
         *           "groups": [
         *             "webservers"
         *           ],
         *           "sources": [
         *             {
         *               "source": "bolt",
         *               "id": "web1.example.com"
         *             }
         *           ]
         *         }
         *       ]
         *     }
         */
        InventoryFilterResult: {
            nodes: components["schemas"]["Node"][];
        };
        /**
         * @description Which node to describe.
         * @example {
         *       "node": "web1.example.com"
         *     }
         */
        InfoFactsParams: {
            /** @description Node name. */
            node: string;
        };
        /**
         * @description Which node to gather facts from anew.
         * @example {
         *       "node": "web1.example.com"
         *     }
         */
        InfoRefreshParams: {
            /** @description Node name. */
            node: string;
        };
        /**
         * @description A shell command to run on every target.
         * @example {
         *       "command": "uptime"
         *     }
         * @example {
         *       "command": "systemctl restart nginx",
         *       "runAs": "root",
         *       "env": {
         *         "LC_ALL": "C"
         *       },
         *       "cwd": "/tmp"
         *     }
         */
        CommandExecuteParams: {
            /** @description Shell command line run on each target. */
            command: string;
            /** @description Run as this user on the target (sudo / run-as); default: the connecting user. */
            runAs?: string;
            /** @description Extra environment variables; names are shell identifiers (`^[A-Za-z_][A-Za-z0-9_]*$`), values at most 32768 characters. Write-only: the run gets the values, answers show `***` for each. */
            env?: {
                [key: string]: string;
            };
            /** @description Working directory on the target. */
            cwd?: string;
        };
        /**
         * @description A script to copy to and run on every target.
         * @example {
         *       "script": "#!/bin/sh\ndf -h /\n"
         *     }
         * @example {
         *       "script": "import platform\nprint(platform.node())\n",
         *       "interpreter": "python3",
         *       "arguments": [
         *         "--verbose"
         *       ]
         *     }
         */
        ScriptExecuteParams: {
            /** @description Script content, copied to each target and run there. */
            script: string;
            /** @description Interpreter (name or absolute path), e.g. bash, python3, /usr/bin/perl; default: the shebang line. */
            interpreter?: string;
            /** @description Arguments passed to the script. */
            arguments?: string[];
            /** @description Run as this user on the target (sudo / run-as); default: the connecting user. */
            runAs?: string;
            /** @description Extra environment variables; names are shell identifiers (`^[A-Za-z_][A-Za-z0-9_]*$`), values at most 32768 characters. Write-only: the run gets the values, answers show `***` for each. */
            env?: {
                [key: string]: string;
            };
        };
        /**
         * @description A task (Bolt task, Ansible module, ...) to run on every target.
         * @example {
         *       "task": "package",
         *       "parameters": {
         *         "action": "status",
         *         "name": "openssl"
         *       }
         *     }
         * @example {
         *       "task": "service::linux",
         *       "parameters": {
         *         "action": "restart",
         *         "name": "nginx"
         *       },
         *       "runAs": "root"
         *     }
         */
        TaskExecuteParams: {
            /** @description Task name, `module` or `module::task`. */
            task: string;
            /** @description Task parameters, checked against the task's metadata by the provider. Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`. */
            parameters?: {
                [key: string]: unknown;
            };
            /** @description Run as this user on the target (sudo / run-as); default: the connecting user. */
            runAs?: string;
        };
        /**
         * @description A plan (an orchestrated sequence of steps) to run against the targets.
         * @example {
         *       "plan": "deploy::rolling_restart",
         *       "parameters": {
         *         "batch_size": 2
         *       }
         *     }
         */
        PlanExecuteParams: {
            /** @description Plan name, `module` or `module::plan`. */
            plan: string;
            /** @description Plan parameters (the resolved targets are passed separately). Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`. */
            parameters?: {
                [key: string]: unknown;
            };
        };
        /**
         * @description task.list takes no parameters.
         * @example {}
         */
        TaskListParams: Record<string, never>;
        /**
         * @description The tasks a provider can run.
         * @example {
         *       "tasks": [
         *         {
         *           "name": "package",
         *           "description": "Manage and inspect the state of packages"
         *         },
         *         {
         *           "name": "service::linux",
         *           "description": null,
         *           "parameters": {
         *             "action": {
         *               "type": "Enum['start', 'stop', 'restart', 'status']"
         *             }
         *           }
         *         }
         *       ]
         *     }
         */
        TaskListResult: {
            tasks: {
                /** @description Task name, `module::task`. */
                name: string;
                description: string | null;
                /** @description The task's parameter metadata (name to type and description). */
                parameters?: {
                    [key: string]: unknown;
                };
            }[];
        };
        /**
         * @description Which reports to list (newest first).
         * @example {}
         * @example {
         *       "node": "web1.example.com",
         *       "limit": 20
         *     }
         */
        ReportsListParams: {
            /** @description Only reports of this node. */
            node?: string;
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
            /** @description Opaque `nextCursor` of the previous page. */
            cursor?: string;
        };
        /**
         * @description A page of reports, newest first (without logs and resource events).
         * @example {
         *       "reports": [
         *         {
         *           "id": "2b5f5c1e9a0d3c7e8f6a4b2d1c0e9f8a7b6c5d4e",
         *           "node": "web1.example.com",
         *           "source": "puppetdb",
         *           "status": "changed",
         *           "startTime": "2026-11-25T09:30:00Z",
         *           "endTime": "2026-11-25T09:30:41Z",
         *           "noop": false,
         *           "environment": "production",
         *           "configurationVersion": "1764063000",
         *           "agentVersion": "8.10.0",
         *           "metrics": {
         *             "resources": {
         *               "total": 412,
         *               "changed": 2,
         *               "failed": 0,
         *               "skipped": 0,
         *               "outOfSync": 2
         *             },
         *             "durationSeconds": 41.2
         *           }
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        ReportsListResult: {
            reports: components["schemas"]["Report"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How many match in all, when the source tells (PuppetDB: include_total). */
            total?: number;
        };
        /**
         * @description Which report to return.
         * @example {
         *       "id": "2b5f5c1e9a0d3c7e8f6a4b2d1c0e9f8a7b6c5d4e"
         *     }
         */
        ReportsGetParams: {
            /** @description Report id. */
            id: string;
        };
        /**
         * @description One report in full.
         * @example {
         *       "report": {
         *         "id": "2b5f5c1e9a0d3c7e8f6a4b2d1c0e9f8a7b6c5d4e",
         *         "node": "web1.example.com",
         *         "source": "puppetdb",
         *         "status": "changed",
         *         "startTime": "2026-11-25T09:30:00Z",
         *         "endTime": "2026-11-25T09:30:41Z",
         *         "noop": false,
         *         "environment": "production",
         *         "configurationVersion": "1764063000",
         *         "agentVersion": "8.10.0",
         *         "metrics": {
         *           "resources": {
         *             "total": 412,
         *             "changed": 2,
         *             "failed": 0,
         *             "skipped": 0,
         *             "outOfSync": 2
         *           },
         *           "durationSeconds": 41.2
         *         },
         *         "logs": [
         *           {
         *             "time": "2026-11-25T09:30:12Z",
         *             "level": "notice",
         *             "source": "/Stage[main]/Nginx/Service[nginx]/ensure",
         *             "message": "ensure changed 'stopped' to 'running'"
         *           }
         *         ],
         *         "resourceEvents": [
         *           {
         *             "resourceType": "Service",
         *             "resourceTitle": "nginx",
         *             "property": "ensure",
         *             "status": "success",
         *             "oldValue": "stopped",
         *             "newValue": "running"
         *           }
         *         ]
         *       }
         *     }
         * @example {
         *       "report": null
         *     }
         */
        ReportsGetResult: {
            /** @description The report with logs and resource events, or null when unknown. */
            report: components["schemas"]["Report"] | null;
        };
        /**
         * @description Criteria of reports.query; all given criteria must match.
         * @example {
         *       "status": [
         *         "failed"
         *       ],
         *       "since": "2026-11-24T00:00:00Z"
         *     }
         * @example {
         *       "query": "[\"=\", \"environment\", \"production\"]",
         *       "limit": 50
         *     }
         */
        ReportsQueryParams: {
            /** @description Only reports of these nodes. */
            nodes?: string[];
            /** @description Only reports with one of these statuses. */
            status?: ("changed" | "unchanged" | "failed")[];
            environment?: string;
            /** @description Only noop (true) or only enforcing (false) runs. */
            noop?: boolean;
            /**
             * Format: date-time
             * @description Only runs started at or after this time.
             */
            since?: string;
            /**
             * Format: date-time
             * @description Only runs started before this time.
             */
            until?: string;
            /** @description Extra filter in the provider's native query language (PuppetDB AST as JSON, or PQL), combined with AND. */
            query?: string;
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
            /** @description Opaque `nextCursor` of the previous page. */
            cursor?: string;
        };
        /**
         * @description A page of matching reports, newest first.
         * @example {
         *       "reports": [
         *         {
         *           "id": "2b5f5c1e9a0d3c7e8f6a4b2d1c0e9f8a7b6c5d4e",
         *           "node": "web1.example.com",
         *           "source": "puppetdb",
         *           "status": "failed",
         *           "startTime": "2026-11-25T09:30:00Z",
         *           "endTime": "2026-11-25T09:30:41Z",
         *           "noop": false,
         *           "environment": "production",
         *           "configurationVersion": "1764063000",
         *           "agentVersion": "8.10.0",
         *           "metrics": {
         *             "resources": {
         *               "total": 412,
         *               "changed": 2,
         *               "failed": 0,
         *               "skipped": 0,
         *               "outOfSync": 2
         *             },
         *             "durationSeconds": 41.2
         *           }
         *         }
         *       ],
         *       "nextCursor": "eyJvZmZzZXQiOjUwfQ"
         *     }
         */
        ReportsQueryResult: {
            reports: components["schemas"]["Report"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How many match in all, when the source tells (PuppetDB: include_total). */
            total?: number;
        };
        /**
         * @description Which events to list (newest first).
         * @example {}
         * @example {
         *       "node": "web1.example.com",
         *       "minSeverity": "warning",
         *       "limit": 50
         *     }
         */
        EventsListParams: {
            /** @description Only events of this node. */
            node?: string;
            /** @description Only events of these types. */
            types?: string[];
            /** @enum {string} */
            minSeverity?: "debug" | "info" | "notice" | "warning" | "error" | "critical";
            /**
             * Format: date-time
             * @description Only events at or after this time.
             */
            since?: string;
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
            /** @description Opaque `nextCursor` of the previous page. */
            cursor?: string;
        };
        /**
         * @description A page of events, newest first.
         * @example {
         *       "events": [
         *         {
         *           "id": "evt-000123",
         *           "node": "web1.example.com",
         *           "timestamp": "2026-11-25T09:30:12Z",
         *           "type": "resource_change",
         *           "severity": "notice",
         *           "message": "Service[nginx] ensure changed 'stopped' to 'running'",
         *           "source": "puppetdb",
         *           "data": {
         *             "resourceType": "Service",
         *             "resourceTitle": "nginx",
         *             "property": "ensure",
         *             "oldValue": "stopped",
         *             "newValue": "running"
         *           }
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        EventsListResult: {
            events: components["schemas"]["Event"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How many match in all, when the source tells (PuppetDB: include_total). */
            total?: number;
        };
        /**
         * @description Where to resume following events.
         * @example {}
         * @example {
         *       "after": "evt-000123",
         *       "limit": 100
         *     }
         */
        EventsStreamParams: {
            /** @description Cursor returned by the previous call; omitted: start from now (only events newer than the call). */
            after?: string;
            /** @description Only events of this node. */
            node?: string;
            /** @description Only events of these types. */
            types?: string[];
            /**
             * @description Maximum number of events in this batch.
             * @default 100
             */
            limit?: number;
        };
        /**
         * @description The next batch of events in order, and where to resume.
         * @example {
         *       "events": [
         *         {
         *           "id": "evt-000123",
         *           "node": "web1.example.com",
         *           "timestamp": "2026-11-25T09:30:12Z",
         *           "type": "resource_change",
         *           "severity": "notice",
         *           "message": "Service[nginx] ensure changed 'stopped' to 'running'",
         *           "source": "puppetdb",
         *           "data": {
         *             "resourceType": "Service",
         *             "resourceTitle": "nginx",
         *             "property": "ensure",
         *             "oldValue": "stopped",
         *             "newValue": "running"
         *           }
         *         }
         *       ],
         *       "cursor": "evt-000123"
         *     }
         * @example {
         *       "events": [],
         *       "cursor": "evt-000123"
         *     }
         */
        EventsStreamResult: {
            /** @description Events after the cursor, oldest first. */
            events: components["schemas"]["Event"][];
            /** @description Pass as `after` in the next call; unchanged when nothing new happened. */
            cursor: string;
        };
        /**
         * @description Criteria of events.query; all given criteria must match.
         * @example {
         *       "severities": [
         *         "error",
         *         "critical"
         *       ],
         *       "since": "2026-11-24T00:00:00Z",
         *       "until": "2026-11-25T00:00:00Z"
         *     }
         */
        EventsQueryParams: {
            /** @description Only events of these nodes. */
            nodes?: string[];
            /** @description Only events of these types. */
            types?: string[];
            /** @description Only events with one of these severities. */
            severities?: ("debug" | "info" | "notice" | "warning" | "error" | "critical")[];
            /** @description Only events of this report (its id, as reports.* return it). */
            report?: string;
            /** @description Only events of resources of this type (Package, Service, Exec, ...). */
            resourceType?: string;
            /** @description Only events of resources with this exact title. */
            resourceTitle?: string;
            /** Format: date-time */
            since?: string;
            /** Format: date-time */
            until?: string;
            /** @description Extra filter in the provider's native query language (PuppetDB AST, PQL), combined with AND. */
            query?: string;
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
            /** @description Opaque `nextCursor` of the previous page. */
            cursor?: string;
        };
        /**
         * @description A page of matching events, newest first.
         * @example {
         *       "events": [
         *         {
         *           "id": "evt-000123",
         *           "node": "web1.example.com",
         *           "timestamp": "2026-11-25T09:30:12Z",
         *           "type": "resource_change",
         *           "severity": "error",
         *           "message": "Could not start Service[nginx]",
         *           "source": "puppetdb",
         *           "data": {
         *             "resourceType": "Service",
         *             "resourceTitle": "nginx",
         *             "property": "ensure",
         *             "oldValue": "stopped",
         *             "newValue": "running"
         *           }
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        EventsQueryResult: {
            events: components["schemas"]["Event"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How many match in all, when the source tells (PuppetDB: include_total). */
            total?: number;
        };
        /**
         * @description The machine to create. Each target result carries the ProvisionedResource as `value`.
         * @example {
         *       "name": "web3.example.com",
         *       "template": "ubuntu-22.04",
         *       "size": {
         *         "cpus": 2,
         *         "memoryMb": 4096,
         *         "diskGb": 40
         *       },
         *       "groups": [
         *         "webservers"
         *       ]
         *     }
         */
        ProvisionCreateParams: {
            /** @description Name of the new machine; becomes its inventory name. */
            name: string;
            /** @description Image, template or module to build from (e.g. ubuntu-22.04, modules/vm). */
            template: string;
            /** @description Infrastructure provider when the plugin drives several (vsphere, proxmox, aws, ...). */
            provider?: string;
            size?: {
                cpus?: number;
                memoryMb?: number;
                diskGb?: number;
            };
            /** @description Network or subnet to attach to. */
            network?: string;
            /** @description Inventory groups the new node joins. */
            groups?: string[];
            /** @description Tags or labels set on the resource. */
            tags?: {
                [key: string]: string;
            };
            /** @description Extra provider variables (Terraform input variables, ...). Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`. */
            variables?: {
                [key: string]: unknown;
            };
        };
        /**
         * @description Which provisioned resource to describe.
         * @example {
         *       "id": "web3.example.com"
         *     }
         */
        ProvisionStatusParams: {
            /** @description Resource id or name. */
            id: string;
        };
        /**
         * @description The current state of a provisioned resource.
         * @example {
         *       "resource": {
         *         "id": "4217c6a2-5b1e-4c3d-9f0a-1e2d3c4b5a69",
         *         "name": "web3.example.com",
         *         "provider": "vsphere",
         *         "status": "running",
         *         "node": "web3.example.com",
         *         "source": "terraform"
         *       }
         *     }
         * @example {
         *       "resource": null
         *     }
         */
        ProvisionStatusResult: {
            /** @description The resource, or null when this source does not know it. */
            resource: components["schemas"]["ProvisionedResource"] | null;
        };
        /**
         * @description How to decommission the target nodes.
         * @example {
         *       "action": "destroy",
         *       "reason": "replaced by web3"
         *     }
         * @example {
         *       "action": "deregister"
         *     }
         */
        DecommissionExecuteParams: {
            /**
             * @description deregister: remove from inventories and monitoring only; power_off: also stop the machine; destroy: also delete it.
             * @default destroy
             * @enum {string}
             */
            action?: "deregister" | "power_off" | "destroy";
            /** @description Why, for the audit journal. */
            reason?: string;
            /**
             * @description Proceed even when the node is unreachable or a cleanup step fails.
             * @default false
             */
            force?: boolean;
        };
        /**
         * @description Which node to report on.
         * @example {
         *       "node": "web1.example.com"
         *     }
         */
        DecommissionStatusParams: {
            /** @description Node name. */
            node: string;
        };
        /**
         * @description Where a node stands in decommissioning.
         * @example {
         *       "node": "web1.example.com",
         *       "status": "decommissioned",
         *       "updatedAt": "2026-11-25T12:00:00Z",
         *       "resource": {
         *         "id": "4217c6a2-5b1e-4c3d-9f0a-1e2d3c4b5a69",
         *         "name": "web1.example.com",
         *         "provider": "vsphere",
         *         "status": "destroyed",
         *         "node": "web1.example.com",
         *         "source": "terraform"
         *       }
         *     }
         */
        DecommissionStatusResult: {
            node: string;
            /** @enum {string} */
            status: "active" | "decommissioning" | "decommissioned" | "failed" | "unknown";
            /** Format: date-time */
            updatedAt?: string;
            resource?: components["schemas"]["ProvisionedResource"];
            /** @description What is left to do, or why it failed. */
            detail?: string;
        };
        /**
         * @description A package and, optionally, the exact version wanted.
         * @example {
         *       "name": "nginx"
         *     }
         * @example {
         *       "name": "openssl",
         *       "version": "3.0.2-0ubuntu1.18"
         *     }
         */
        PackageSpec: {
            /** @description Package name. */
            name: string;
            /** @description Exact version; default: the candidate (latest) version. */
            version?: string;
        };
        /**
         * @description Packages to install on every target.
         * @example {
         *       "packages": [
         *         {
         *           "name": "nginx"
         *         },
         *         {
         *           "name": "curl",
         *           "version": "7.81.0-1ubuntu1.16"
         *         }
         *       ],
         *       "refresh": true
         *     }
         */
        PackageInstallParams: {
            packages: components["schemas"]["PackageSpec"][];
            /** @description Package manager to use (apt, dnf, yum, zypper, ...); default: detected on each target. */
            manager?: string;
            /**
             * @description Refresh the package index first (apt-get update, dnf makecache).
             * @default false
             */
            refresh?: boolean;
        };
        /**
         * @description Packages to remove from every target.
         * @example {
         *       "packages": [
         *         "telnet"
         *       ],
         *       "purge": true
         *     }
         */
        PackageUninstallParams: {
            /** @description Names of the packages to remove. */
            packages: string[];
            /**
             * @description Also remove configuration files (apt purge).
             * @default false
             */
            purge?: boolean;
            /** @description Package manager to use (apt, dnf, yum, zypper, ...); default: detected on each target. */
            manager?: string;
        };
        /**
         * @description Packages to upgrade on every target.
         * @example {
         *       "packages": [
         *         {
         *           "name": "openssl"
         *         }
         *       ]
         *     }
         * @example {
         *       "securityOnly": true
         *     }
         */
        PackageUpdateParams: {
            /** @description Packages to upgrade; omitted: upgrade every upgradable package. */
            packages?: components["schemas"]["PackageSpec"][];
            /**
             * @description Only apply security updates.
             * @default false
             */
            securityOnly?: boolean;
            /** @description Package manager to use (apt, dnf, yum, zypper, ...); default: detected on each target. */
            manager?: string;
            /**
             * @description Refresh the package index first.
             * @default true
             */
            refresh?: boolean;
        };
        /**
         * @description Whose packages to list, optionally filtered.
         * @example {
         *       "node": "web1.example.com"
         *     }
         * @example {
         *       "node": "web1.example.com",
         *       "status": "upgradable"
         *     }
         */
        PackageListParams: {
            /** @description Node name. */
            node: string;
            /** @description Glob on the package name, e.g. `openssl*`. */
            name?: string;
            /** @enum {string} */
            status?: "installed" | "upgradable";
        };
        /**
         * @description The packages installed on a node.
         * @example {
         *       "node": "web1.example.com",
         *       "packages": [
         *         {
         *           "name": "nginx",
         *           "version": "1.18.0-6ubuntu14.4",
         *           "architecture": "amd64",
         *           "status": "installed",
         *           "source": "puppetdb"
         *         }
         *       ]
         *     }
         */
        PackageListResult: {
            node: string;
            packages: components["schemas"]["Package"][];
        };
        /**
         * @description What to search the repositories for.
         * @example {
         *       "query": "nginx"
         *     }
         * @example {
         *       "query": "python3-*",
         *       "node": "web1.example.com",
         *       "limit": 20
         *     }
         */
        PackageSearchParams: {
            /** @description Words or a glob matched against package names (and descriptions where the manager supports it). */
            query: string;
            /** @description Search this node's configured repositories. */
            node?: string;
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
        };
        /**
         * @description Packages available from the repositories.
         * @example {
         *       "packages": [
         *         {
         *           "name": "nginx",
         *           "version": "1.18.0-6ubuntu14.4",
         *           "architecture": "amd64",
         *           "status": "available",
         *           "repository": "jammy-updates",
         *           "description": "small, powerful, scalable web/proxy server",
         *           "source": "apt"
         *         }
         *       ]
         *     }
         */
        PackageSearchResult: {
            packages: components["schemas"]["Package"][];
        };
        /**
         * @description What to deploy where. Each target result carries the Deployment as `value` when the tool reports one.
         * @example {
         *       "application": "storefront",
         *       "version": "2.14.1",
         *       "environment": "production",
         *       "strategy": "rolling",
         *       "batchSize": 1
         *     }
         */
        DeployExecuteParams: {
            /** @description Application to deploy. */
            application: string;
            /** @description Version, tag or commit to deploy. */
            version: string;
            /** @description Environment, e.g. staging or production. */
            environment: string;
            /**
             * @description How to roll out across the targets.
             * @default rolling
             * @enum {string}
             */
            strategy?: "all_at_once" | "rolling" | "canary";
            /** @description Targets per batch for rolling and canary deployments. */
            batchSize?: number;
            /** @description Extra parameters for the deployment tool (pipeline or job parameters). Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`. */
            parameters?: {
                [key: string]: unknown;
            };
        };
        /**
         * @description What to roll back on the targets.
         * @example {
         *       "application": "storefront",
         *       "environment": "production"
         *     }
         * @example {
         *       "application": "storefront",
         *       "environment": "production",
         *       "toVersion": "2.13.4"
         *     }
         */
        DeployRollbackParams: {
            application: string;
            environment: string;
            /** @description Version to go back to; default: the previous successful one. */
            toVersion?: string;
            /** @description The deployment to undo; default: the latest. */
            deploymentId?: string;
        };
        /**
         * @description Which deployment to describe.
         * @example {
         *       "id": "dep-2026-11-25-0007"
         *     }
         */
        DeployStatusParams: {
            /** @description Deployment id. */
            id: string;
        };
        /**
         * @description The state of one deployment.
         * @example {
         *       "deployment": {
         *         "id": "dep-2026-11-25-0007",
         *         "application": "storefront",
         *         "version": "2.14.1",
         *         "environment": "production",
         *         "status": "succeeded",
         *         "startedAt": "2026-11-25T10:02:00Z",
         *         "finishedAt": "2026-11-25T10:06:31Z",
         *         "targets": [
         *           "web1.example.com",
         *           "web2.example.com"
         *         ],
         *         "previousVersion": "2.14.0",
         *         "source": "jenkins"
         *       }
         *     }
         * @example {
         *       "deployment": null
         *     }
         */
        DeployStatusResult: {
            /** @description The deployment, or null when this source does not know it. */
            deployment: components["schemas"]["Deployment"] | null;
        };
        /**
         * @description Which deployments to list (newest first).
         * @example {
         *       "application": "storefront",
         *       "environment": "production",
         *       "limit": 10
         *     }
         */
        DeployHistoryParams: {
            application?: string;
            environment?: string;
            /** @description Only deployments that touched this node. */
            node?: string;
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
            /** @description Opaque `nextCursor` of the previous page. */
            cursor?: string;
        };
        /**
         * @description A page of past deployments, newest first.
         * @example {
         *       "deployments": [
         *         {
         *           "id": "dep-2026-11-25-0007",
         *           "application": "storefront",
         *           "version": "2.14.1",
         *           "environment": "production",
         *           "status": "succeeded",
         *           "startedAt": "2026-11-25T10:02:00Z",
         *           "finishedAt": "2026-11-25T10:06:31Z",
         *           "targets": [
         *             "web1.example.com",
         *             "web2.example.com"
         *           ],
         *           "previousVersion": "2.14.0",
         *           "source": "jenkins"
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        DeployHistoryResult: {
            deployments: components["schemas"]["Deployment"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
        };
        /**
         * @description Which alerts to list.
         * @example {}
         * @example {
         *       "status": [
         *         "firing"
         *       ],
         *       "severity": [
         *         "critical",
         *         "warning"
         *       ],
         *       "labels": {
         *         "team": "infra"
         *       }
         *     }
         */
        AlertListParams: {
            /** @description Only alerts in one of these states; default: firing and acknowledged. */
            status?: ("firing" | "acknowledged" | "resolved" | "suppressed")[];
            /** @description Only alerts with one of these severities. */
            severity?: ("critical" | "error" | "warning" | "info")[];
            /** @description Only alerts about this node. */
            node?: string;
            /** @description Label name to exact value; all must match. */
            labels?: {
                [key: string]: string;
            };
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
            /** @description Opaque `nextCursor` of the previous page. */
            cursor?: string;
        };
        /**
         * @description A page of alerts, newest first.
         * @example {
         *       "alerts": [
         *         {
         *           "id": "6f1e2d3c4b5a6978",
         *           "name": "HighDiskUsage",
         *           "severity": "warning",
         *           "status": "firing",
         *           "labels": {
         *             "alertname": "HighDiskUsage",
         *             "instance": "web1.example.com:9100",
         *             "severity": "warning"
         *           },
         *           "annotations": {
         *             "summary": "Disk / is 91% full on web1.example.com"
         *           },
         *           "startsAt": "2026-11-25T08:12:00Z",
         *           "source": "alertmanager",
         *           "node": "web1.example.com"
         *         }
         *       ],
         *       "nextCursor": null
         *     }
         */
        AlertListResult: {
            alerts: components["schemas"]["Alert"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
        };
        /**
         * @description Which alert to return.
         * @example {
         *       "id": "6f1e2d3c4b5a6978"
         *     }
         */
        AlertGetParams: {
            /** @description Alert id (Alertmanager fingerprint). */
            id: string;
        };
        /**
         * @description One alert.
         * @example {
         *       "alert": {
         *         "id": "6f1e2d3c4b5a6978",
         *         "name": "HighDiskUsage",
         *         "severity": "warning",
         *         "status": "firing",
         *         "labels": {
         *           "alertname": "HighDiskUsage",
         *           "instance": "web1.example.com:9100",
         *           "severity": "warning"
         *         },
         *         "annotations": {
         *           "summary": "Disk / is 91% full on web1.example.com"
         *         },
         *         "startsAt": "2026-11-25T08:12:00Z",
         *         "source": "alertmanager",
         *         "node": "web1.example.com"
         *       }
         *     }
         * @example {
         *       "alert": null
         *     }
         */
        AlertGetResult: {
            /** @description The alert, or null when this source does not know it. */
            alert: components["schemas"]["Alert"] | null;
        };
        /**
         * @description The alert to acknowledge; the caller is recorded as `acknowledgement.by`.
         * @example {
         *       "id": "6f1e2d3c4b5a6978",
         *       "comment": "cleaning up logs",
         *       "durationSeconds": 7200
         *     }
         */
        AlertAcknowledgeParams: {
            /** @description Alert id (Alertmanager fingerprint). */
            id: string;
            /** @description Why, shown with the acknowledgement. */
            comment?: string;
            /**
             * @description How long the acknowledgement (silence) lasts.
             * @default 7200
             */
            durationSeconds?: number;
        };
        /**
         * @description The alert after acknowledgement.
         * @example {
         *       "alert": {
         *         "id": "6f1e2d3c4b5a6978",
         *         "name": "HighDiskUsage",
         *         "severity": "warning",
         *         "status": "acknowledged",
         *         "labels": {
         *           "alertname": "HighDiskUsage",
         *           "instance": "web1.example.com:9100",
         *           "severity": "warning"
         *         },
         *         "annotations": {
         *           "summary": "Disk / is 91% full on web1.example.com"
         *         },
         *         "startsAt": "2026-11-25T08:12:00Z",
         *         "source": "alertmanager",
         *         "node": "web1.example.com",
         *         "acknowledgement": {
         *           "by": "alice",
         *           "at": "2026-11-25T08:20:00Z",
         *           "comment": "cleaning up logs",
         *           "until": "2026-11-25T10:20:00Z"
         *         }
         *       }
         *     }
         */
        AlertAcknowledgeResult: {
            alert: components["schemas"]["Alert"];
        };
        /**
         * @description The alert to mark resolved.
         * @example {
         *       "id": "6f1e2d3c4b5a6978",
         *       "comment": "logs rotated"
         *     }
         */
        AlertResolveParams: {
            /** @description Alert id (Alertmanager fingerprint). */
            id: string;
            /** @description How it was resolved. */
            comment?: string;
        };
        /**
         * @description The alert after resolution.
         * @example {
         *       "alert": {
         *         "id": "6f1e2d3c4b5a6978",
         *         "name": "HighDiskUsage",
         *         "severity": "warning",
         *         "status": "resolved",
         *         "labels": {
         *           "alertname": "HighDiskUsage",
         *           "instance": "web1.example.com:9100",
         *           "severity": "warning"
         *         },
         *         "annotations": {
         *           "summary": "Disk / is 91% full on web1.example.com"
         *         },
         *         "startsAt": "2026-11-25T08:12:00Z",
         *         "source": "alertmanager",
         *         "node": "web1.example.com",
         *         "endsAt": "2026-11-25T08:40:00Z"
         *       }
         *     }
         */
        AlertResolveResult: {
            alert: components["schemas"]["Alert"];
        };
        /**
         * @description Where to send new alerts, and which.
         * @example {
         *       "receiverUrl": "https://chatops.example.com/hooks/alerts",
         *       "filter": {
         *         "severity": [
         *           "critical"
         *         ]
         *       }
         *     }
         */
        AlertSubscribeParams: {
            /**
             * Format: uri
             * @description Webhook URL that receives alert notifications (Alertmanager webhook format).
             */
            receiverUrl: string;
            /** @description Which alerts to send; default: all. */
            filter?: {
                /** @description Only alerts with one of these severities. */
                severity?: ("critical" | "error" | "warning" | "info")[];
                /** @description Only alerts about this node. */
                node?: string;
                /** @description Label name to exact value; all must match. */
                labels?: {
                    [key: string]: string;
                };
            };
        };
        /**
         * @description The subscription created.
         * @example {
         *       "subscription": {
         *         "id": "sub-01",
         *         "receiverUrl": "https://chatops.example.com/hooks/alerts",
         *         "filter": {
         *           "severity": [
         *             "critical"
         *           ]
         *         },
         *         "createdAt": "2026-11-25T09:00:00Z",
         *         "source": "alertmanager"
         *       }
         *     }
         */
        AlertSubscribeResult: {
            subscription: {
                id: string;
                /** Format: uri */
                receiverUrl: string;
                filter?: {
                    /** @description Only alerts with one of these severities. */
                    severity?: ("critical" | "error" | "warning" | "info")[];
                    /** @description Only alerts about this node. */
                    node?: string;
                    /** @description Label name to exact value; all must match. */
                    labels?: {
                        [key: string]: string;
                    };
                };
                /** Format: date-time */
                createdAt: string;
                /** @description Plugin id that delivers the notifications. */
                source: string;
            };
        };
        /**
         * @description A Puppet agent run on every target.
         * @example {}
         * @example {
         *       "noop": true,
         *       "tags": [
         *         "nginx",
         *         "profile::web"
         *       ],
         *       "environment": "staging",
         *       "runAs": "root"
         *     }
         */
        PuppetRunParams: {
            /** @description Simulate: report what would change without changing anything (`--noop`). */
            noop?: boolean;
            /** @description Apply only resources with one of these tags (`--tags`). */
            tags?: string[];
            /** @description Run in this environment (`--environment`). */
            environment?: string;
            /** @description Run the agent as this user (sudo / run-as); usually root. */
            runAs?: string;
        };
        /**
         * @description configserver.status takes no parameters.
         * @example {}
         */
        ConfigServerStatusParams: Record<string, never>;
        /**
         * @description Health of the configuration server: each service with its state, and its compiler pool.
         * @example {
         *       "state": "running",
         *       "version": "7.9.5",
         *       "services": [
         *         {
         *           "name": "ca",
         *           "state": "running",
         *           "version": "7.9.5",
         *           "alerts": []
         *         },
         *         {
         *           "name": "server",
         *           "state": "running",
         *           "version": "7.9.5",
         *           "alerts": []
         *         }
         *       ],
         *       "jruby": {
         *         "instances": 1,
         *         "free": 1,
         *         "borrowed": 0,
         *         "requested": 0,
         *         "averageWaitMs": 0,
         *         "averageBorrowMs": 187,
         *         "borrowTimeouts": 0,
         *         "queueLimitHits": 0
         *       },
         *       "checkedAt": "2026-11-29T19:30:00Z"
         *     }
         */
        ConfigServerStatusResult: {
            /**
             * @description The worst state of all services (running < unknown < starting < stopping < error).
             * @enum {string}
             */
            state: "running" | "starting" | "stopping" | "error" | "unknown";
            /** @description Server version (service_version of the `server` service), null when not reported. */
            version: string | null;
            /** @description Every service, sorted by name. */
            services: {
                /** @description Service name as the server reports it (`server`, `ca`, `jruby-metrics`, ...). */
                name: string;
                /** @enum {string} */
                state: "running" | "starting" | "stopping" | "error" | "unknown";
                /** @description service_version. */
                version: string;
                /** @description active_alerts of the service. */
                alerts: {
                    severity: string;
                    message: string;
                }[];
            }[];
            /** @description The compiler pool (Puppetserver JRuby metrics at level debug), null when the server reports none. */
            jruby: {
                /** @description JRuby instances in the pool (num-jrubies). */
                instances: number;
                /** @description Instances free right now (num-free-jrubies). */
                free: number;
                /** @description Instances lent to requests right now. */
                borrowed: number;
                /** @description Requests waiting for an instance right now. */
                requested: number;
                /** @description Mean time a request waited for an instance, in milliseconds. */
                averageWaitMs: number;
                /** @description Mean time an instance was held, in milliseconds. */
                averageBorrowMs: number;
                /** @description Requests that gave up waiting (borrow-timeout-count) since start. */
                borrowTimeouts: number;
                /** @description Requests refused because the wait queue was full (queue-limit-hit-count) since start. */
                queueLimitHits: number;
            } | null;
            /**
             * Format: date-time
             * @description When Capstan asked.
             */
            checkedAt: string;
        };
        /**
         * @description Which environments to describe: all, or one.
         * @example {}
         * @example {
         *       "environment": "production"
         *     }
         */
        ConfigServerEnvironmentsParams: {
            /** @description Only this environment (404 when unknown). */
            environment?: string;
        };
        /**
         * @description Code environments with their settings, classes (with parameters) and modules (with versions).
         * @example {
         *       "environments": [
         *         {
         *           "name": "production",
         *           "modulepath": [
         *             "/etc/puppetlabs/code/environments/production/modules"
         *           ],
         *           "manifest": "/etc/puppetlabs/code/environments/production/manifests",
         *           "environmentTimeoutSeconds": 0,
         *           "configVersion": "",
         *           "classes": [
         *             {
         *               "name": "ntp",
         *               "file": "/etc/puppetlabs/code/environments/production/modules/ntp/manifests/init.pp",
         *               "params": [
         *                 {
         *                   "name": "servers",
         *                   "type": "Array[String]",
         *                   "defaultSource": "['pool.ntp.org']"
         *                 }
         *               ]
         *             }
         *           ],
         *           "classErrors": [],
         *           "modules": [
         *             {
         *               "name": "ntp",
         *               "version": "9.3.0"
         *             }
         *           ]
         *         }
         *       ]
         *     }
         */
        ConfigServerEnvironmentsResult: {
            /** @description Environments sorted by name. */
            environments: {
                name: string;
                /** @description Directories searched for modules, in order. */
                modulepath: string[];
                /** @description Main manifest file or directory. */
                manifest: string;
                /** @description How long the server caches the environment (seconds); null = unlimited. */
                environmentTimeoutSeconds: number | null;
                /** @description config_version setting (a script), often empty. */
                configVersion: string;
                /** @description Classes of the environment, sorted by name. */
                classes: {
                    /** @description Class name (`capstan_demo::motd`). */
                    name: string;
                    /** @description Manifest file declaring it. */
                    file: string;
                    params: {
                        name: string;
                        /** @description Declared data type (`String`, `Enum[...]`), null when untyped. */
                        type: string | null;
                        /** @description The default value as written in the code, null when the parameter is required. */
                        defaultSource: string | null;
                    }[];
                }[];
                /** @description Manifests the server could not parse. */
                classErrors: {
                    file: string;
                    error: string;
                }[];
                /** @description Modules of the environment, sorted by name. */
                modules: {
                    name: string;
                    /** @description Version from metadata.json, null without one. */
                    version: string | null;
                }[];
            }[];
        };
        /**
         * @description What to compile: a node, in an environment, with its known or the given facts.
         * @example {
         *       "node": "web1.example.com",
         *       "store": false
         *     }
         * @example {
         *       "node": "web1.example.com",
         *       "environment": "staging",
         *       "facts": {
         *         "os": {
         *           "family": "Debian"
         *         }
         *       },
         *       "store": false
         *     }
         */
        ConfigServerCompileParams: {
            /** @description Certname of the node to compile for. */
            node: string;
            /** @description Environment to compile in; default: the node's classified environment, else `production`. */
            environment?: string;
            /** @description Facts to compile with; default: the node's last facts (from PuppetDB with storeconfigs). */
            facts?: {
                [key: string]: unknown;
            };
            /**
             * @description Store the compiled catalog as the node's latest in PuppetDB (only when the server has storeconfigs on). Default false: a dry compile that changes nothing.
             * @default false
             */
            store: boolean;
        };
        /**
         * @description The compiled catalog of a node: its classes, resources and containment edges.
         * @example {
         *       "node": "web1.example.com",
         *       "environment": "production",
         *       "version": "1795563114",
         *       "catalogUuid": "1fa628bc-8254-4f02-a684-e561fac958c8",
         *       "codeId": null,
         *       "classes": [
         *         "settings",
         *         "default"
         *       ],
         *       "resources": [
         *         {
         *           "type": "File",
         *           "title": "/etc/motd",
         *           "tags": [
         *             "file",
         *             "class"
         *           ],
         *           "exported": false,
         *           "file": "/etc/puppetlabs/code/environments/production/manifests/site.pp",
         *           "line": 3,
         *           "parameters": {
         *             "ensure": "file"
         *           }
         *         }
         *       ],
         *       "edges": [
         *         {
         *           "source": "Class[main]",
         *           "target": "File[/etc/motd]"
         *         }
         *       ],
         *       "logs": [],
         *       "stored": false
         *     }
         */
        ConfigServerCompileResult: {
            node: string;
            environment: string;
            /** @description Catalog version (config_version, or the compile time in seconds by default), as a string. */
            version: string;
            catalogUuid: string | null;
            codeId: string | null;
            /** @description Classes in the catalog. */
            classes: string[];
            resources: {
                /** @description Resource type (`File`, `Package`, `Class`). */
                type: string;
                title: string;
                tags: string[];
                exported: boolean;
                /** @description Manifest that declared it. */
                file?: string;
                line?: number;
                /** @description Resource parameters as compiled. */
                parameters: {
                    [key: string]: unknown;
                };
            }[];
            /** @description Containment edges as `Type[title]` references. */
            edges: {
                source: string;
                target: string;
            }[];
            /** @description Compiler log lines (warnings, notices). */
            logs: {
                level: string;
                message: string;
                source?: string;
            }[];
            /** @description Whether storing in PuppetDB was requested (the server does so only with storeconfigs on). */
            stored: boolean;
        };
        /**
         * @description Which environment cache to flush.
         * @example {}
         * @example {
         *       "environment": "production"
         *     }
         */
        ConfigServerFlushParams: {
            /** @description Only this environment; default: every environment. */
            environment?: string;
        };
        /**
         * @description The cache was flushed: the next compile re-reads the code from disk.
         * @example {
         *       "flushed": null,
         *       "flushedAt": "2026-11-29T19:30:00Z"
         *     }
         */
        ConfigServerFlushResult: {
            /** @description The environment flushed, or null for all. */
            flushed: string | null;
            /** Format: date-time */
            flushedAt: string;
        };
        /**
         * @description A node certificate (or certificate request) known to the CA.
         * @example {
         *       "name": "node2",
         *       "state": "signed",
         *       "fingerprint": "1E:99:DC:74:65:D3:FB:87:56:CB:94:99:0F:B1:F1:FE:52:0C:0F:55:84:AA:69:7F:34:43:CD:98:8A:83:5E:A8",
         *       "dnsAltNames": [
         *         "DNS:node2"
         *       ],
         *       "authorizationExtensions": {},
         *       "serialNumber": 3,
         *       "notBefore": "2026-11-23T23:31:00Z",
         *       "notAfter": "2031-11-23T23:31:00Z"
         *     }
         */
        Certificate: {
            /** @description Certname. */
            name: string;
            /**
             * @description requested: a CSR waits for signing; signed; revoked (in the CRL).
             * @enum {string}
             */
            state: "requested" | "signed" | "revoked";
            /** @description SHA-256 fingerprint (colon-separated hex) of the certificate, or of the CSR while requested. */
            fingerprint: string;
            /** @description Subject alternative names, `DNS:` / `IP:` prefixed. */
            dnsAltNames: string[];
            /** @description pp_* authorization extensions (pp_cli_auth marks an admin certificate). */
            authorizationExtensions: {
                [key: string]: string;
            };
            /** @description Serial number, null while requested. */
            serialNumber: number | null;
            /** @description Start of validity, null while requested. */
            notBefore: string | null;
            /** @description End of validity, null while requested. */
            notAfter: string | null;
        };
        /**
         * @description Which certificates to list.
         * @example {}
         * @example {
         *       "state": "requested"
         *     }
         */
        CertificateListParams: {
            /**
             * @description Only certificates in this state.
             * @enum {string}
             */
            state?: "requested" | "signed" | "revoked";
        };
        /**
         * @description The CA's certificates and pending requests.
         * @example {
         *       "certificates": [
         *         {
         *           "name": "node2",
         *           "state": "signed",
         *           "fingerprint": "1E:99:DC:74:65:D3:FB:87:56:CB:94:99:0F:B1:F1:FE:52:0C:0F:55:84:AA:69:7F:34:43:CD:98:8A:83:5E:A8",
         *           "dnsAltNames": [
         *             "DNS:node2"
         *           ],
         *           "authorizationExtensions": {},
         *           "serialNumber": 3,
         *           "notBefore": "2026-11-23T23:31:00Z",
         *           "notAfter": "2031-11-23T23:31:00Z"
         *         }
         *       ]
         *     }
         */
        CertificateListResult: {
            /** @description Sorted by name. */
            certificates: components["schemas"]["Certificate"][];
        };
        /**
         * @description The pending request to sign.
         * @example {
         *       "name": "web1.example.com"
         *     }
         */
        CertificateSignParams: {
            /** @description Certname (the node name the certificate is for). */
            name: string;
            /** @description Validity of the signed certificate; default: the CA's ca_ttl. */
            ttlSeconds?: number;
        };
        /**
         * @description The signed certificate to revoke (added to the CRL; the files stay).
         * @example {
         *       "name": "web1.example.com"
         *     }
         */
        CertificateRevokeParams: {
            /** @description Certname (the node name the certificate is for). */
            name: string;
        };
        /**
         * @description The certificate to clean: revoked if signed, then every file of it removed (the node may request anew).
         * @example {
         *       "name": "web1.example.com"
         *     }
         */
        CertificateCleanParams: {
            /** @description Certname (the node name the certificate is for). */
            name: string;
        };
        /**
         * @description The certificate as the CA holds it after the change.
         * @example {
         *       "name": "node2",
         *       "certificate": {
         *         "name": "node2",
         *         "state": "revoked",
         *         "fingerprint": "1E:99:DC:74:65:D3:FB:87:56:CB:94:99:0F:B1:F1:FE:52:0C:0F:55:84:AA:69:7F:34:43:CD:98:8A:83:5E:A8",
         *         "dnsAltNames": [
         *           "DNS:node2"
         *         ],
         *         "authorizationExtensions": {},
         *         "serialNumber": 3,
         *         "notBefore": "2026-11-23T23:31:00Z",
         *         "notAfter": "2031-11-23T23:31:00Z"
         *       },
         *       "changedAt": "2026-11-29T19:30:00Z"
         *     }
         */
        CertificateChangeResult: {
            name: string;
            /** @description The certificate after the change, null once cleaned. */
            certificate: components["schemas"]["Certificate"] | null;
            /** Format: date-time */
            changedAt: string;
        };
        /**
         * @description One resource a configuration-management tool manages on a node (a Puppet catalog resource).
         * @example {
         *       "type": "Package",
         *       "title": "openssh-server",
         *       "node": "web1.example.com",
         *       "parameters": {
         *         "ensure": "installed"
         *       },
         *       "file": "/etc/puppetlabs/code/environments/production/manifests/site.pp",
         *       "line": 6,
         *       "tags": [
         *         "package",
         *         "openssh-server"
         *       ],
         *       "exported": false,
         *       "environment": "production",
         *       "source": "puppetdb"
         *     }
         */
        ManagedResource: {
            /** @description Resource type, e.g. Package, Service, File. */
            type: string;
            /** @description Resource title, e.g. openssh-server, /etc/motd. */
            title: string;
            /** @description Node name. */
            node: string;
            /** @description Parameters as declared (ensure, content, ...). */
            parameters?: {
                [key: string]: unknown;
            };
            /** @description Manifest file that declares it. */
            file?: string;
            /** @description Line in that file. */
            line?: number;
            tags?: string[];
            /** @description True for an exported resource. */
            exported?: boolean;
            /** @description Code environment of the catalog. */
            environment?: string;
            /** @description Plugin id of the source. */
            source: string;
        };
        /**
         * @description Whose managed resources to list, optionally by type and title.
         * @example {
         *       "node": "web1.example.com"
         *     }
         * @example {
         *       "node": "web1.example.com",
         *       "types": [
         *         "Package",
         *         "Service"
         *       ]
         *     }
         */
        ResourcesListParams: {
            /** @description Node name. */
            node: string;
            /** @description Only resources of these types (Package, Service, File, ...). */
            types?: string[];
            /** @description Only resources with this exact title. */
            title?: string;
            /**
             * @description Maximum number of items to return.
             * @default 100
             */
            limit?: number;
            /** @description Opaque `nextCursor` of the previous page. */
            cursor?: string;
        };
        /**
         * @description A page of the resources managed on a node.
         * @example {
         *       "node": "web1.example.com",
         *       "resources": [
         *         {
         *           "type": "Package",
         *           "title": "openssh-server",
         *           "node": "web1.example.com",
         *           "parameters": {
         *             "ensure": "installed"
         *           },
         *           "file": "/etc/puppetlabs/code/environments/production/manifests/site.pp",
         *           "line": 6,
         *           "tags": [
         *             "package",
         *             "openssh-server"
         *           ],
         *           "exported": false,
         *           "environment": "production",
         *           "source": "puppetdb"
         *         }
         *       ],
         *       "nextCursor": null,
         *       "total": 1
         *     }
         */
        ResourcesListResult: {
            node: string;
            /** @description Sorted by type, then title. */
            resources: components["schemas"]["ManagedResource"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How many resources match in all, when the source tells. */
            total?: number;
        };
        /**
         * @description A query in the native language of the source.
         * @example {
         *       "query": "nodes[certname] { latest_report_status = 'failed' }"
         *     }
         * @example {
         *       "query": "[\"from\", \"reports\", [\"=\", \"status\", \"failed\"]]",
         *       "limit": 10
         *     }
         */
        QueryNativeParams: {
            /** @description The query in the source's language: PuppetDB PQL (`nodes[certname] { latest_report_status = 'failed' }`) or an AST as JSON text starting with `from` (`["from", "nodes", ["=", "latest_report_status", "failed"]]`). */
            query: string;
            /** @description Most rows to return (the source may cap it lower). */
            limit?: number;
        };
        /**
         * @description The rows of a native query.
         * @example {
         *       "rows": [
         *         {
         *           "certname": "node3"
         *         }
         *       ],
         *       "total": 1,
         *       "truncated": false,
         *       "source": "puppetdb"
         *     }
         */
        QueryNativeResult: {
            /** @description The rows as the source answered them. */
            rows: unknown[];
            /** @description How many rows match in all, when the source tells. */
            total?: number;
            /** @description True when more rows match than were returned (see limit). */
            truncated: boolean;
            /** @description Plugin id that answered. */
            source: string;
        };
        /**
         * @description queued -> running -> succeeded | failed | partial | canceled | timed_out | interrupted (after a server crash).
         * @enum {string}
         */
        ExecutionStatus: "queued" | "running" | "succeeded" | "failed" | "partial" | "canceled" | "timed_out" | "interrupted";
        /**
         * @description Starts work on targets. Send an Idempotency-Key header to make retries safe.
         * @example {
         *       "capability": "command.execute",
         *       "targets": [
         *         "localhost"
         *       ],
         *       "params": {
         *         "command": "uptime"
         *       },
         *       "timeoutSeconds": 600
         *     }
         */
        ExecutionCreate: {
            /** @description An execution-mode capability, e.g. command.execute. */
            capability: string;
            targets: components["schemas"]["TargetSelection"];
            /** @description The capability's params (see its contract in GET /api/v1/capabilities/{name}). Params the contract marks `x-sensitive` (e.g. `env`) or `x-sensitive-keys` are write-only: the run gets them, answers show `***`. */
            params: {
                [key: string]: unknown;
            };
            /** @description Server-enforced timeout; default from config (3600); at most execution.maxTimeoutSeconds. */
            timeoutSeconds?: number;
        };
        /** @description Where to follow the execution. */
        ExecutionLinks: {
            self: string;
            stream: string;
            output: string;
            wait: string;
            cancel: string;
            /** @description Capabilities whose runs send reports (puppet.run), once started: GET /api/v1/reports for the run's nodes, started at or after the run started (and before it finished; for runs on more than 100 nodes, the reports of every node in that time). Each report appears once its source (PuppetDB) has stored it. */
            reports?: string;
        };
        /** @description Why a queued execution waits and its place in line. */
        QueueInfo: {
            position: number;
            /** @enum {string} */
            reason: "global_cap" | "node_busy";
            /** @description Busy nodes it waits for. */
            waitingFor?: string[];
        };
        /** @description One run of an execution-mode capability on targets. */
        Execution: {
            id: string;
            capability: string;
            status: components["schemas"]["ExecutionStatus"];
            /** @description Targets as requested. */
            targets: string[];
            /** @description Nodes the targets expanded to. */
            nodes: string[];
            /** @description The params as submitted, except secrets: values the contract marks `x-sensitive` (every `env` value) or `x-sensitive-keys` read `***`, for every caller. */
            params: {
                [key: string]: unknown;
            };
            /** @description Plugin(s) that ran it. */
            provider: string | null;
            timeoutSeconds: number;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            /** @description Why it ended so (cancel, timeout, restart). */
            reason: string | null;
            /** @description Who submitted it (token name, or `anonymous` with auth off). */
            principal: string;
            results: components["schemas"]["TargetResult"][];
            queue?: components["schemas"]["QueueInfo"];
            links: components["schemas"]["ExecutionLinks"];
        };
        ExecutionList: {
            items: components["schemas"]["Execution"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
        };
        /** @description One stored event of an execution. */
        OutputEvent: {
            /** @description Sequence number; the SSE id. */
            seq: number;
            /** @enum {string} */
            type: "start" | "stdout" | "stderr" | "notice" | "target_result" | "status" | "truncated" | "complete";
            /** Format: date-time */
            at: string;
            /** @description `OutputPiece` (`{target, line, partial?}`) for stdout/stderr; `{target, message}` for notice; a TargetResult for target_result; `{status, reason?}` for status; `{limitBytes, message}` for truncated. */
            data: {
                [key: string]: unknown;
            };
        };
        /**
         * @description The data of a stdout or stderr event: one whole line, or a partial piece of a line still being printed.
         * @example {
         *       "target": "web1",
         *       "line": "waiting for the lock... ",
         *       "partial": true
         *     }
         * @example {
         *       "target": "web1",
         *       "line": "acquired"
         *     }
         */
        OutputPiece: {
            /** @description Node name (`bolt` for the Bolt CLI's own messages). */
            target: string;
            /** @description Text of the piece, without its newline (a CR before it, as in CRLF, is kept: the text is exact). */
            line: string;
            /**
             * @description Present (true) when no newline followed this text yet: a prompt, a `\r` progress bar, a line over 64 KiB, or the last text of a stream without a final newline. It is sent at most execution.partialLineFlushMs (200 ms) after it was printed; the next piece of the same target and stream continues the same line. Joining the pieces, with a newline after each piece without `partial`, gives the output exactly once.
             * @enum {boolean}
             */
            partial?: true;
        };
        /**
         * @description The data of a notice event: e.g. processes that still held the output after the command exited were ended, or processes could not be ended.
         * @example {
         *       "target": "web1",
         *       "message": "the command exited but 1 process(es) still held its output after 2 s; 1 ended (SIGTERM, then SIGKILL after 5 s)"
         *     }
         */
        NoticeData: {
            target: string;
            /** @description What the server did on the target's behalf, in one sentence. */
            message: string;
        };
        OutputPage: {
            items: components["schemas"]["OutputEvent"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description True when the execution is terminal and this page reaches its end. */
            complete: boolean;
        };
        /** @description The data of a start event: what runs where. */
        StartData: {
            capability: string;
            targets: string[];
            nodes: string[];
            /** Format: date-time */
            startedAt: string;
        };
        /** @description The data of a status event: the execution entered this status. */
        StatusData: {
            status: components["schemas"]["ExecutionStatus"];
            /** @description Why it ended so (cancel, timeout, restart). */
            reason?: string;
        };
        /** @description The data of a truncated event: output past execution.maxOutputBytes was dropped. */
        TruncatedData: {
            limitBytes: number;
            message: string;
        };
        /** @description The data of the complete event, the last one of a run: its final status and per-target results. */
        CompleteData: {
            status: components["schemas"]["ExecutionStatus"];
            /** Format: date-time */
            finishedAt: string;
            results: {
                target: string;
                status: string;
                exitCode: number | null;
            }[];
        };
        /** @description One event of an execution stream, as an object: `id:` (the sequence number), `event:` and `data:`, a JSON text whose payload depends on the event (see each `data.contentSchema`): start, stdout/stderr (an OutputPiece: a line still being printed arrives as a `partial` piece within 200 ms), notice, target_result, status, truncated, complete (the last). A stream that fails after it started ends with `event: problem` (no id). `: heartbeat` comments every 15 s are not events. */
        StreamEvent: {
            /** @description The sequence number (`id:`): resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "start";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @description The sequence number (`id:`): resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "stdout" | "stderr";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @description The sequence number (`id:`): resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "notice";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @description The sequence number (`id:`): resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "target_result";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @description The sequence number (`id:`): resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "status";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @description The sequence number (`id:`): resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "truncated";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @description The sequence number (`id:`): resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "complete";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @enum {string} */
            event: "problem";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        };
        /** @description What runs and what waits, and why. */
        QueueState: {
            concurrency: number;
            perNodeConcurrency: number;
            maxQueued: number;
            running: {
                id: string;
                nodes: string[];
            }[];
            queued: {
                id: string;
                nodes: string[];
                position: number;
                /** @enum {string} */
                reason: "global_cap" | "node_busy";
                waitingFor?: string[];
            }[];
        };
        PluginHealth: {
            /** @enum {string} */
            status: "healthy" | "degraded" | "unhealthy";
            message?: string;
            details?: {
                [key: string]: unknown;
            };
            checkedAt: string | null;
        };
        /** @description A plugin, its lifecycle state, health and capabilities. */
        PluginInfo: {
            name: string;
            version: string;
            description: string;
            /** @enum {string} */
            state: "registered" | "initializing" | "ready" | "failed" | "disabled" | "stopped";
            required: boolean;
            integrationTypes: string[];
            health: components["schemas"]["PluginHealth"];
            capabilities: {
                name: string;
                priority: number;
            }[];
            error?: string;
        };
        PluginList: {
            items: components["schemas"]["PluginInfo"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
        };
        /** @description A capability of the catalog with its providers by priority. */
        CapabilityInfo: {
            name: string;
            category: string;
            description: string;
            /** @enum {string} */
            mode: "query" | "execution";
            /** @enum {string} */
            riskLevel: "read" | "write" | "execute" | "admin";
            requiredPermissions: string[];
            providers: {
                plugin: string;
                priority: number;
                available: boolean;
            }[];
            /** @description Name of the params schema (components/schemas). */
            paramsSchema: string;
            /** @description Name of the result schema (components/schemas). */
            resultSchema: string;
        };
        CapabilityList: {
            items: components["schemas"]["CapabilityInfo"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
        };
        InvokeResult: {
            capability: string;
            /** @description Plugin that answered. */
            provider: string;
            /** @description The capability's result (its contract's result schema). */
            result: unknown;
        };
        /** @description Answers of every provider, with per-source status. */
        AggregateResult: {
            capability: string;
            items: {
                source: string;
                result: unknown;
            }[];
            sources: components["schemas"]["SourceStatus"][];
        };
        NodePage: {
            items: components["schemas"]["Node"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            sources: components["schemas"]["SourceStatus"][];
        };
        /** @description A node; `sourceStatus` tells how each source answered. */
        NodeDetail: {
            /** @description Node id; equal to the inventory name. */
            id: string;
            /** @description Inventory name (what targets refer to). */
            name: string;
            /** @description Connection URI, e.g. ssh://web1.example.com:22. */
            uri?: string;
            /** @description Other names the node answers to. */
            alias?: string[];
            /** @description Transport used to reach it: local, ssh, winrm, docker, ... */
            transport?: string;
            /** @description Names of the groups the node belongs to. */
            groups: string[];
            /** @description Every source that knows this node (linked by name). */
            sources: components["schemas"]["NodeSource"][];
            /** @description Inventory variables. */
            vars?: {
                [key: string]: unknown;
            };
            facts?: components["schemas"]["FactsSummary"];
            sourceStatus?: components["schemas"]["SourceStatus"][];
        };
        GroupPage: {
            items: components["schemas"]["Group"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            sources: components["schemas"]["SourceStatus"][];
        };
        /** @description One entry of a node journal (what was done to it). */
        JournalEntry: {
            id: number;
            node: string;
            /** Format: date-time */
            at: string;
            kind: string;
            executionId: string | null;
            summary: string;
            data: unknown;
        };
        JournalPage: {
            items: components["schemas"]["JournalEntry"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
        };
        Health: {
            /** @enum {string} */
            status: "ok" | "unavailable";
            checks?: {
                /**
                 * @description `down`: the store cannot be read; `failing`: it is read but writes fail (new runs get 503; runs whose writes cannot be made end `failed`).
                 * @enum {string}
                 */
                store: "ok" | "down" | "failing";
                /** @description Why store writes fail (`disk full`, `database is locked by another process`, ...). */
                storeError?: string;
                /** Format: date-time */
                storeFailingSince?: string;
                requiredPluginsDown: string[];
            };
        };
        /** @enum {string} */
        ErrorCategory: "validation" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited" | "unavailable" | "timeout" | "execution_failed" | "not_implemented" | "internal";
        /**
         * @description The optional body of an action that takes no input (cancel, refresh): leave it out (a bare POST) or send `{}` as application/json.
         * @example {}
         */
        EmptyBody: Record<string, never>;
        /** @description Reports of every reports source, newest first (`startTime`), with per-source status. */
        ReportPage: {
            items: components["schemas"]["Report"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How each source answered (one failing source never fails the read). */
            sources: components["schemas"]["SourceStatus"][];
            /** @description How many items match in all sources together: present when every source answered and told its total (PuppetDB does). */
            total?: number;
        };
        /** @description Events of every events source, newest first (`timestamp`), with per-source status. */
        EventPage: {
            items: components["schemas"]["Event"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How each source answered (one failing source never fails the read). */
            sources: components["schemas"]["SourceStatus"][];
            /** @description How many items match in all sources together: present when every source answered and told its total (PuppetDB does). */
            total?: number;
        };
        /** @description Alerts of every monitoring source, newest first (`startsAt`), with per-source status. */
        AlertPage: {
            items: components["schemas"]["Alert"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How each source answered (one failing source never fails the read). */
            sources: components["schemas"]["SourceStatus"][];
        };
        /** @description Deployments of every deployment source, newest first (`startedAt`), with per-source status. */
        DeploymentPage: {
            items: components["schemas"]["Deployment"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How each source answered (one failing source never fails the read). */
            sources: components["schemas"]["SourceStatus"][];
        };
        /** @description Packages available from the repositories, as each source found them (each item names its `source`). */
        PackageSearchPage: {
            items: components["schemas"]["Package"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How each source answered (one failing source never fails the read). */
            sources: components["schemas"]["SourceStatus"][];
        };
        /** @description The packages of a node as each source reports them (each item names its `source`), sorted by name. */
        PackagePage: {
            /** @description Node name. */
            node: string;
            items: components["schemas"]["Package"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How each source answered (one failing source never fails the read). */
            sources: components["schemas"]["SourceStatus"][];
        };
        /** @description The resources configuration management manages on a node, source by source (each item names its `source`), each sorted by type and title. */
        ResourcePage: {
            /** @description Node name. */
            node: string;
            items: components["schemas"]["ManagedResource"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
            /** @description How each source answered (one failing source never fails the read). */
            sources: components["schemas"]["SourceStatus"][];
            /** @description How many resources match in all sources together, when every source answered and told its total. */
            total?: number;
        };
        /** @description One event of the events stream, as an object: `event: event` with `id:` (the stream cursor; resume with Last-Event-ID or ?after=) and an Event as JSON `data:`; `event: source_status` (no id) with a SourceStatus when a source fails or recovers; `event: problem` (no id) ends a stream that fails after it started; with ?follow=false, `event: caught_up` (with the cursor as id) ends the stream once every source is read to its end. `: heartbeat` comments (at least every 15 s of silence) are not events. */
        EventStreamFrame: {
            /** @description The stream cursor: resume with Last-Event-ID or ?after=. */
            id: string;
            /** @enum {string} */
            event: "event";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @enum {string} */
            event: "source_status";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @description The stream cursor after the last event: resume with ?after= (or Last-Event-ID) to get only newer events. */
            id: string;
            /** @enum {string} */
            event: "caught_up";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        } | {
            /** @enum {string} */
            event: "problem";
            /** @description A JSON text (one line): parse it to get the payload (`contentSchema`). */
            data: string;
        };
        /**
         * @description alert.acknowledge params without the alert id (in the path); the caller is recorded as `acknowledgement.by`.
         * @example {
         *       "comment": "cleaning up logs",
         *       "durationSeconds": 7200
         *     }
         */
        AlertAcknowledgeBody: {
            /** @description Why, shown with the acknowledgement. */
            comment?: string;
            /**
             * @description How long the acknowledgement (silence) lasts.
             * @default 7200
             */
            durationSeconds?: number;
        };
        /**
         * @description alert.resolve params without the alert id (in the path).
         * @example {
         *       "comment": "logs rotated"
         *     }
         */
        AlertResolveBody: {
            /** @description How it was resolved. */
            comment?: string;
        };
        /**
         * @description deploy.rollback params without the deployment id (in the path).
         * @example {
         *       "application": "storefront",
         *       "environment": "production"
         *     }
         */
        DeployRollbackBodyParams: {
            application: string;
            environment: string;
            /** @description Version to go back to; default: the previous successful one. */
            toVersion?: string;
        };
        /** @description Submits package.install on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe. */
        PackageInstallRequest: {
            targets: components["schemas"]["TargetSelection"];
            params: components["schemas"]["PackageInstallParams"];
            /** @description Server-enforced timeout; default from config (3600). */
            timeoutSeconds?: number;
        };
        /** @description Submits package.uninstall on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe. */
        PackageUninstallRequest: {
            targets: components["schemas"]["TargetSelection"];
            params: components["schemas"]["PackageUninstallParams"];
            /** @description Server-enforced timeout; default from config (3600). */
            timeoutSeconds?: number;
        };
        /** @description Submits package.update on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe. */
        PackageUpdateRequest: {
            targets: components["schemas"]["TargetSelection"];
            params: components["schemas"]["PackageUpdateParams"];
            /** @description Server-enforced timeout; default from config (3600). */
            timeoutSeconds?: number;
        };
        /** @description Submits deploy.execute on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe. */
        DeployExecuteRequest: {
            targets: components["schemas"]["TargetSelection"];
            params: components["schemas"]["DeployExecuteParams"];
            /** @description Server-enforced timeout; default from config (3600). */
            timeoutSeconds?: number;
        };
        /** @description Submits deploy.rollback on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe. */
        DeployRollbackRequest: {
            targets: components["schemas"]["TargetSelection"];
            params: components["schemas"]["DeployRollbackBodyParams"];
            /** @description Server-enforced timeout; default from config (3600). */
            timeoutSeconds?: number;
        };
        /** @description Submits provision.create (targets: the nodes that drive the provisioner, e.g. localhost) on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe. */
        ProvisionCreateRequest: {
            targets: components["schemas"]["TargetSelection"];
            params: components["schemas"]["ProvisionCreateParams"];
            /** @description Server-enforced timeout; default from config (3600). */
            timeoutSeconds?: number;
        };
        /** @description Submits decommission.execute (targets: the nodes to decommission) on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe. */
        DecommissionExecuteRequest: {
            targets: components["schemas"]["TargetSelection"];
            params: components["schemas"]["DecommissionExecuteParams"];
            /** @description Server-enforced timeout; default from config (3600). */
            timeoutSeconds?: number;
        };
        /**
         * @description A role: built in `viewer` (every read-only capability: `risk:read`), `operator` (reads and every capability up to riskLevel `execute`: `risk:read`, `risk:write`, `risk:execute`), `admin` (everything, `*`: token management and the audit trail included), or a custom role of the server's config (`roles`; unknown names are a 400).
         * @example operator
         */
        TokenRole: string;
        /**
         * @example {
         *       "name": "ci-deploy",
         *       "roles": [
         *         "operator"
         *       ],
         *       "expiresAt": "2027-01-01T00:00:00Z"
         *     }
         * @example {
         *       "name": "web-team",
         *       "roles": [
         *         "operator"
         *       ],
         *       "scope": [
         *         "web*"
         *       ]
         *     }
         */
        TokenCreate: {
            /** @description Who or what the token stands for; executions record it as their `principal`. */
            name: string;
            roles: components["schemas"]["TokenRole"][];
            /**
             * @description Target scope: the token may act only on nodes these patterns cover (node names or aliases, group names with their child groups, globs `*` `?` over node names, `all`). A run whose expanded targets leave it is a 403 naming them. Absent: the roles decide alone.
             * @example [
             *       "web*",
             *       "db-replicas"
             *     ]
             */
            scope?: string[];
            /**
             * Format: date-time
             * @description When the token stops working (in the future). Absent: it never expires.
             */
            expiresAt?: string;
        };
        /**
         * @description What changes (JSON Merge Patch style: absent fields keep their value). The secret never changes: create a new token to rotate it.
         * @example {
         *       "roles": [
         *         "viewer"
         *       ]
         *     }
         * @example {
         *       "scope": [
         *         "db*"
         *       ],
         *       "expiresAt": null
         *     }
         */
        TokenUpdate: {
            roles?: components["schemas"]["TokenRole"][];
            /** @description The new target scope; `null` removes it. */
            scope?: string[] | null;
            /** @description The new expiry (in the future); `null`: never expires. */
            expiresAt?: string | null;
        };
        /** @description An API token without its secret. */
        ApiToken: {
            /** @description Token id (for DELETE); not a secret. */
            id: string;
            name: string;
            /** @description Who created it (the creating token's name; `bootstrap` for the first admin token). */
            owner: string;
            roles: components["schemas"]["TokenRole"][];
            scope: string[] | null;
            /** Format: date-time */
            createdAt: string;
            /** @description Last authenticated request (recorded at most once a minute). */
            lastUsedAt: string | null;
            expiresAt: string | null;
            revokedAt: string | null;
        };
        CreatedApiToken: {
            /** @description Token id (for DELETE); not a secret. */
            id: string;
            name: string;
            /** @description Who created it (the creating token's name; `bootstrap` for the first admin token). */
            owner: string;
            roles: components["schemas"]["TokenRole"][];
            scope: string[] | null;
            /** Format: date-time */
            createdAt: string;
            /** @description Last authenticated request (recorded at most once a minute). */
            lastUsedAt: string | null;
            expiresAt: string | null;
            revokedAt: string | null;
            /** @description The bearer secret (`cap_...`). Shown in this answer only: the server keeps its hash. */
            token: string;
        };
        ApiTokenList: {
            items: components["schemas"]["ApiToken"][];
            /** @description Cursor of the next page, or null on the last page. */
            nextCursor: string | null;
        };
    };
    responses: never;
    parameters: {
        /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
        RequestId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getLiveness: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Unavailable; while the server shuts down, a problem with Retry-After (CAPSTAN_ERR_SERVER_CLOSING). */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format (`text/plain; version=0.0.4`): the metrics the README lists. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag of the document: 304 when it still matches. */
                "if-none-match"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    /** @description Strong entity tag of this representation: send it back as `If-None-Match` to get a 304 while it still matches. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Not modified: the document still has the ETag given in If-None-Match. */
            304: {
                headers: {
                    /** @description Strong entity tag of this representation: send it back as `If-None-Match` to get a 304 while it still matches. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listPlugins: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginList"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getPlugin: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A plugin, its lifecycle state, health and capabilities. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginInfo"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCapabilities: {
        parameters: {
            query?: {
                /** @description Only capabilities with at least one provider. */
                provided?: boolean;
                limit?: number;
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CapabilityList"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCapability: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Capability name, e.g. inventory.list. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A capability of the catalog with its providers by priority. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CapabilityInfo"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    invokeCapability: {
        parameters: {
            query?: {
                /** @description Ask this plugin only. */
                provider?: string;
                /** @description Ask every provider and aggregate, with per-source status. */
                all?: boolean;
            };
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Capability name, e.g. inventory.list. */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description A query answer, an aggregate, or (Idempotency-Key replay of an execution capability) the original execution. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvokeResult"] | components["schemas"]["AggregateResult"] | components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listNodes: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description Glob on the node name (* and ?). */
                name?: string;
                /** @description Only members of this group. */
                group?: string;
                transport?: string;
                /** @description Only nodes known to this source. */
                source?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodePage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getNode: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A node; `sourceStatus` tells how each source answered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeDetail"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listGroups: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupPage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getNodeFacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Normalized facts of a node, plus the raw facts as gathered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Facts"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    refreshNodeFacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description Normalized facts of a node, plus the raw facts as gathered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Facts"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listNodeResources: {
        parameters: {
            query?: {
                /** @description Only resources of these types (Package, Service, File, ...). */
                types?: string[];
                /** @description Only resources with this exact title. */
                title?: string;
                /** @description Maximum number of items to return. */
                limit?: number;
                /** @description Opaque `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The resources configuration management manages on a node, source by source (each item names its `source`), each sorted by type and title. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourcePage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getNodeJournal: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JournalPage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listExecutions: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description Repeat or comma-free list of statuses. */
                status?: ("queued" | "running" | "succeeded" | "failed" | "partial" | "canceled" | "timed_out" | "interrupted")[];
                capability?: string;
                /** @description Capability family, e.g. command, task. */
                type?: string;
                node?: string;
                since?: string;
                until?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionList"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createExecution: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExecutionCreate"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getExecution: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag of this execution: 304 when it still matches. */
                "if-none-match"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One run of an execution-mode capability on targets; a terminal one carries an ETag. */
            200: {
                headers: {
                    /** @description Terminal executions only. Strong entity tag of this representation: send it back as `If-None-Match` to get a 304 while it still matches. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Not modified: the terminal execution still has the ETag given in If-None-Match. */
            304: {
                headers: {
                    /** @description Strong entity tag of this representation: send it back as `If-None-Match` to get a 304 while it still matches. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    waitExecution: {
        parameters: {
            query?: {
                timeout?: number;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One run of an execution-mode capability on targets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelExecution: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description One run of an execution-mode capability on targets. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getExecutionOutput: {
        parameters: {
            query?: {
                /** @description Return events with seq > after. */
                after?: number;
                limit?: number;
                format?: "json" | "text";
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of stored events (application/json), or the stdout/stderr output as text (text/plain, with `X-Next-After`). */
            200: {
                headers: {
                    /** @description text/plain answers only: the sequence number to pass as `after` for the next page (the last event read, or `after` when none). */
                    "X-Next-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OutputPage"];
                    "text/plain": string;
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (406) */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamExecution: {
        parameters: {
            query?: {
                after?: number;
            };
            header?: {
                "last-event-id"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream. A stream that fails after it started ends with an `event: problem` frame whose data is a Problem; reconnect with Last-Event-ID. */
            200: {
                headers: {
                    /** @description Always `no`: asks nginx and compatible reverse proxies not to buffer the stream (see README, "Behind a reverse proxy"). */
                    "X-Accel-Buffering"?: "no";
                    /** @description Always `no-cache,no-transform`: no cache or proxy may store or re-encode the stream. */
                    "Cache-Control"?: "no-cache,no-transform";
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The execution is terminal and nothing follows the resume point: a browser's EventSource stops reconnecting. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getQueue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What runs and what waits, and why. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueState"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listReports: {
        parameters: {
            query?: {
                /** @description Only reports of this node. */
                node?: string;
                /** @description Maximum number of items to return. */
                limit?: number;
                /** @description Opaque `nextCursor` of the previous page. */
                cursor?: string;
                /** @description Only reports of these nodes. */
                nodes?: string[];
                /** @description Only reports with one of these statuses. */
                status?: ("changed" | "unchanged" | "failed")[];
                environment?: string;
                /** @description Only noop (true) or only enforcing (false) runs. */
                noop?: boolean;
                /** @description Only runs started at or after this time. */
                since?: string;
                /** @description Only runs started before this time. */
                until?: string;
                /** @description Extra filter in the provider's native query language (PuppetDB AST as JSON, or PQL), combined with AND. */
                query?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Reports of every reports source, newest first (`startTime`), with per-source status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportPage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReport: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Report id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One report in full. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportsGetResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description Only events of this node. */
                node?: string;
                /** @description Only events of these types. */
                types?: string[];
                minSeverity?: "debug" | "info" | "notice" | "warning" | "error" | "critical";
                since?: string;
                /** @description Maximum number of items to return. */
                limit?: number;
                /** @description Opaque `nextCursor` of the previous page. */
                cursor?: string;
                /** @description Only events of these nodes. */
                nodes?: string[];
                /** @description Only events with one of these severities. */
                severities?: ("debug" | "info" | "notice" | "warning" | "error" | "critical")[];
                /** @description Only events of this report (its id, as reports.* return it). */
                report?: string;
                /** @description Only events of resources of this type (Package, Service, Exec, ...). */
                resourceType?: string;
                /** @description Only events of resources with this exact title. */
                resourceTitle?: string;
                until?: string;
                /** @description Extra filter in the provider's native query language (PuppetDB AST, PQL), combined with AND. */
                query?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Events of every events source, newest first (`timestamp`), with per-source status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /** @description Cursor returned by the previous call; omitted: start from now (only events newer than the call). */
                after?: string;
                /** @description Only events of this node. */
                node?: string;
                /** @description Only events of these types. */
                types?: string[];
                /** @description Maximum number of events in this batch. */
                limit?: number;
                /** @description true: keep the stream open and push new events as they happen. false: send what every source has after the cursor, then an `event: caught_up` frame whose id is the cursor to resume from, and end (for CI scripts and buffering proxies). */
                follow?: boolean;
            };
            header?: {
                /** @description The `id:` of the last event received; wins over ?after=. */
                "last-event-id"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream. A stream that fails after it started ends with an `event: problem` frame whose data is a Problem; reconnect with Last-Event-ID. */
            200: {
                headers: {
                    /** @description Always `no`: asks nginx and compatible reverse proxies not to buffer the stream (see README, "Behind a reverse proxy"). */
                    "X-Accel-Buffering"?: "no";
                    /** @description Always `no-cache,no-transform`: no cache or proxy may store or re-encode the stream. */
                    "Cache-Control"?: "no-cache,no-transform";
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAlerts: {
        parameters: {
            query?: {
                /** @description Only alerts in one of these states; default: firing and acknowledged. */
                status?: ("firing" | "acknowledged" | "resolved" | "suppressed")[];
                /** @description Only alerts with one of these severities. */
                severity?: ("critical" | "error" | "warning" | "info")[];
                /** @description Only alerts about this node. */
                node?: string;
                /** @description Label name to exact value; all must match. */
                labels?: {
                    [key: string]: string;
                };
                /** @description Maximum number of items to return. */
                limit?: number;
                /** @description Opaque `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alerts of every monitoring source, newest first (`startsAt`), with per-source status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertPage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAlert: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Alert id (Alertmanager fingerprint). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One alert. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertGetResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    acknowledgeAlert: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Alert id (Alertmanager fingerprint). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertAcknowledgeBody"];
            };
        };
        responses: {
            /** @description The alert after acknowledgement. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertAcknowledgeResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resolveAlert: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Alert id (Alertmanager fingerprint). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertResolveBody"];
            };
        };
        responses: {
            /** @description The alert after resolution. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertResolveResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createAlertSubscription: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AlertSubscribeParams"];
            };
        };
        responses: {
            /** @description The subscription created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertSubscribeResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listPackages: {
        parameters: {
            query: {
                /** @description Node name. */
                node: string;
                /** @description Glob on the package name, e.g. `openssl*`. */
                name?: string;
                status?: "installed" | "upgradable";
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The packages of a node as each source reports them (each item names its `source`), sorted by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackagePage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchPackages: {
        parameters: {
            query: {
                /** @description Words or a glob matched against package names (and descriptions where the manager supports it). */
                q: string;
                /** @description Search this node's configured repositories. */
                node?: string;
                /** @description Maximum number of items to return. */
                limit?: number;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Packages available from the repositories, as each source found them (each item names its `source`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackageSearchPage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    installPackages: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PackageInstallRequest"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uninstallPackages: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PackageUninstallRequest"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updatePackages: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PackageUpdateRequest"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDeployments: {
        parameters: {
            query?: {
                application?: string;
                environment?: string;
                /** @description Only deployments that touched this node. */
                node?: string;
                /** @description Maximum number of items to return. */
                limit?: number;
                /** @description Opaque `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deployments of every deployment source, newest first (`startedAt`), with per-source status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentPage"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createDeployment: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeployExecuteRequest"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDeployment: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Deployment id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The state of one deployment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeployStatusResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rollbackDeployment: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Deployment id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeployRollbackRequest"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProvisionedResource: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProvisionCreateRequest"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    decommissionNodes: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters. */
                "idempotency-key"?: string;
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DecommissionExecuteRequest"];
            };
        };
        responses: {
            /** @description The execution first created with this Idempotency-Key (a replay: nothing new was queued). */
            200: {
                headers: {
                    /** @description That execution: `/api/v1/executions/{id}`. */
                    Location?: string;
                    /** @description Always `true`: this answer replays an earlier submit. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Accepted: the queued execution; Location is its URL. */
            202: {
                headers: {
                    /** @description The execution just created: `/api/v1/executions/{id}`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (409) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (413) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (429) */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDecommissionStatus: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Node name. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Where a node stands in decommissioning. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DecommissionStatusResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProvisionedResource: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /** @description Resource id or name. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The current state of a provisioned resource. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProvisionStatusResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConfigServerStatus: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Health of the configuration server: each service with its state, and its compiler pool. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigServerStatusResult"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listConfigServerEnvironments: {
        parameters: {
            query?: {
                /** @description Only this environment (404 when unknown). */
                environment?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Code environments with their settings, classes (with parameters) and modules (with versions). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigServerEnvironmentsResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listCertificates: {
        parameters: {
            query?: {
                /** @description Only certificates in this state. */
                state?: "requested" | "signed" | "revoked";
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CA's certificates and pending requests. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CertificateListResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    runNativeQuery: {
        parameters: {
            query?: {
                /** @description Ask this plugin only. */
                provider?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QueryNativeParams"];
            };
        };
        responses: {
            /** @description The rows of a native query. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueryNativeResult"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (501) */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (502) */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (503) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (504) */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Opaque `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiTokenList"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenCreate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiToken"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID. */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenUpdate"];
            };
        };
        responses: {
            /** @description An API token without its secret. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiToken"];
                };
            };
            /** @description Problem (400) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks a permission this operation needs; `missingPermissions` names it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (404) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (415) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Problem (500) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The server is shutting down (CAPSTAN_ERR_SERVER_CLOSING): retry after Retry-After, on another instance or once restarted. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long. */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
