// Use cases of roles (GET /api/roles, GET /api/roles/{id}) and of the roles an application holds
// (/api/applications/{id}/roles, management-core-api.md §1). Roles are seeded (006 migration):
// `Logto Management API access` and `#internal:admin`, both machine-to-machine with scope `all`.
// Throws LogtoError entity.not_exists_with_id (unknown application or role), application.invalid_type
// (not MachineToMachine), application.role_exists, application.invalid_role_type (a User role),
// request.invalid_input (a search pattern PostgreSQL cannot compile).
import type { Db } from '../../storage/db.ts';
import { findApplication } from '../../storage/repos/applications.ts';
import * as repo from '../../storage/repos/roles.ts';
import { LogtoError } from '../errors.ts';
import { runningSearch } from '../search.ts';

export interface RoleDeps {
  db: Db;
}

const TENANT_ID = 'default';

export function toRole(row: repo.RoleRow) {
  return { tenantId: TENANT_ID, id: row.id, name: row.name, description: row.description, type: row.type, isDefault: row.is_default };
}

/** GET /api/roles items: the role with how many applications hold it and the first three. */
function toRoleSummary(row: repo.RoleSummaryRow) {
  return {
    ...toRole(row),
    usersCount: 0,
    featuredUsers: [] as Array<{ id: string; avatar: string | null; name: string | null }>,
    applicationsCount: Number(row.applications_count),
    featuredApplications: row.featured_applications,
  };
}

export async function listRoles(deps: RoleDeps, filter: repo.RoleFilter, page: { limit: number; offset: number } | null) {
  const { rows, total } = await runningSearch(() => repo.listRoles(deps.db, filter, page));
  return { items: rows.map(toRoleSummary), total };
}

export async function getRole(deps: RoleDeps, id: string) {
  const row = await repo.findRole(deps.db, id);
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  return toRole(row);
}

async function machineApplication(deps: RoleDeps, applicationId: string): Promise<void> {
  const app = await findApplication(deps.db, applicationId);
  if (!app) throw new LogtoError('entity.not_exists_with_id');
  if (app.type !== 'MachineToMachine') throw new LogtoError('application.invalid_type');
}

async function machineRoles(deps: RoleDeps, roleIds: string[]): Promise<void> {
  const found = await repo.findRoles(deps.db, roleIds);
  if (found.length !== new Set(roleIds).size) throw new LogtoError('entity.not_exists_with_id');
  if (found.some((r) => r.type !== 'MachineToMachine')) throw new LogtoError('application.invalid_role_type');
}

export async function listApplicationRoles(deps: RoleDeps, applicationId: string, page: { limit: number; offset: number } | null) {
  if (!(await findApplication(deps.db, applicationId))) throw new LogtoError('entity.not_exists_with_id');
  const { rows, total } = await repo.listRoles(deps.db, { applicationId }, page);
  return { items: rows.map(toRole), total };
}

export async function addApplicationRoles(deps: RoleDeps, applicationId: string, roleIds: string[]): Promise<void> {
  await machineApplication(deps, applicationId);
  await machineRoles(deps, roleIds);
  await deps.db.tx(async (q) => {
    // All or nothing: one role already held refuses the whole request, as Logto does.
    if (!(await repo.addApplicationRoles(q, applicationId, roleIds))) {
      const held = (await repo.listRoles(q, { applicationId }, null)).rows.map((r) => r.id);
      throw new LogtoError('application.role_exists', { roleId: roleIds.find((id) => held.includes(id)) });
    }
  });
}

export async function replaceApplicationRoles(deps: RoleDeps, applicationId: string, roleIds: string[]): Promise<void> {
  await machineApplication(deps, applicationId);
  await machineRoles(deps, roleIds);
  await deps.db.tx((q) => repo.replaceApplicationRoles(q, applicationId, roleIds));
}

export async function removeApplicationRole(deps: RoleDeps, applicationId: string, roleId: string): Promise<void> {
  await machineApplication(deps, applicationId);
  if (!(await repo.removeApplicationRole(deps.db, applicationId, roleId))) throw new LogtoError('entity.not_exists_with_id');
}
