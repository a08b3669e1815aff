"""A team's registry from Python, built from the acr-infra ContainerRegistry component.

The same registry as examples/team-registry (TypeScript): Standard SKU, CI pushes with a federated
GitHub identity (no secret), the team's group may pull, and pull-request images are purged weekly.
Arguments take the component's names in snake_case; a bad value stops `pulumi preview` with the
same message as in TypeScript, naming the setting.
"""

import pulumi
import pulumi_acr_infra as acr_infra

config = pulumi.Config()
team = config.require("team")

registry = acr_infra.ContainerRegistry(
    team,
    sku="Standard",
    location="westeurope",
    tags={"team": team},
    service_principal={
        "role": "AcrPush",
        "credential": "federated",
        "github": {"repository": f"contoso/{team}-service", "branch": "main"},
    },
    role_assignments=[
        {"principal_id": "6f1c1f4e-3b1a-4c55-9a51-0c9d2f6e8a10", "principal_type": "Group", "role": "AcrPull"},
    ],
    purge=[{"schedule": "0 2 * * 6", "filter": f"{team}/.*:pr-.*", "ago": "14d", "untagged": True}],
)

pulumi.export("login_server", registry.login_server)
pulumi.export("ci_client_id", registry.service_principal_client_id)
pulumi.export("tenant_id", registry.tenant_id)
