// The CI identity's client secrets over time, as the engine would see them: the program run at
// several clock values, its password inputs compared. A change of a password's inputs replaces it
// (rotateWhenChanged and endDate force a new password in azuread), so the secret CI holds survives an
// update only if its inputs are unchanged or the replaced password is retained.
import { ContainerRegistry } from "../components";
import { PlannedResource } from "../testing";
import { runProgram } from "../testing/harness";
import { T } from "./support/stacks";

const DAY = 86_400_000;
const START = Date.parse("2026-11-29T12:00:00Z");

/** The passwords the component declares at a clock value, with these secret settings. */
async function passwordsAt(now: number, servicePrincipal: { rotationDays: number; passwordLifetimeDays: number }) {
  const spy = jest.spyOn(Date, "now").mockReturnValue(now);
  const run = await runProgram({
    stack: "rotation",
    config: { "azure-native:location": "westeurope" },
    program: () => {
      const registry = new ContainerRegistry("web", { servicePrincipal });
      return {
        servicePrincipalClientSecretExpiresAt: registry.servicePrincipalClientSecretExpiresAt,
        servicePrincipalClientSecretRenewsAt: registry.servicePrincipalClientSecretRenewsAt,
      };
    },
  });
  spy.mockRestore();
  return { passwords: run.resources.filter((r) => r.type === T.password), run };
}

const byName = (passwords: PlannedResource[]) => Object.fromEntries(passwords.map((p) => [p.name, p.inputs]));
const endOf = (password: Record<string, unknown>) => Date.parse(String(password.endDate));

const DEV = { rotationDays: 10, passwordLifetimeDays: 30 };

test("every password is retained when replaced, so no update deletes a secret before its end date", async () => {
  const { passwords } = await passwordsAt(START, DEV);
  expect(passwords.map((p) => [p.name, p.retainOnDelete])).toEqual([
    ["web-ci-a", true],
    ["web-ci-b", true],
  ]);
});

test("one window later exactly one password is replaced, and the one handed out before is unchanged", async () => {
  const before = byName((await passwordsAt(START, DEV)).passwords);
  const after = byName((await passwordsAt(START + 10 * DAY, DEV)).passwords);
  // 2026-11-29 is in window 2078 (slot a); ten days on, window 2079 renews slot b only.
  expect(before["web-ci-a"]).toEqual(after["web-ci-a"]);
  expect(before["web-ci-b"]).not.toEqual(after["web-ci-b"]);
  expect(after["web-ci-b"].rotateWhenChanged).toEqual({ window: "2079" });
});

test.each([
  ["a deployment skipped for a window", START + 20 * DAY, DEV],
  ["rotationDays changed", START + DAY, { rotationDays: 7, passwordLifetimeDays: 30 }],
  ["passwordLifetimeDays changed", START + DAY, { rotationDays: 10, passwordLifetimeDays: 40 }],
])("%s: both passwords are replaced, yet the secret CI held stays valid until its end date", async (_, later, settings) => {
  const { passwords } = await passwordsAt(START, DEV);
  const held = byName(passwords)["web-ci-a"];
  const after = await passwordsAt(later, settings);
  for (const password of after.passwords) expect(password.inputs).not.toEqual(byName(passwords)[password.name]);
  // Replaced, but retained: still valid at the later deployment.
  expect(after.passwords.every((p) => p.retainOnDelete)).toBe(true);
  expect(endOf(held)).toBeGreaterThan(later);
});

test("the secret handed out is the newer one, and its end date leaves the holder time after a newer one appears", async () => {
  for (let day = 0; day < 40; day += 3) {
    const now = START + day * DAY;
    const { run } = await passwordsAt(now, DEV);
    const expiresAt = Date.parse(String(run.outputs.servicePrincipalClientSecretExpiresAt));
    const renewsAt = Date.parse(String(run.outputs.servicePrincipalClientSecretRenewsAt));
    // A newer one is handed out from renewsAt on; the one handed out now lasts past it by at least
    // passwordLifetimeDays minus two periods.
    expect(renewsAt).toBeGreaterThan(now);
    expect(renewsAt - now).toBeLessThanOrEqual(10 * DAY);
    expect(expiresAt - renewsAt).toBeGreaterThanOrEqual((30 - 10) * DAY);
  }
});
