import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError, HTTP_STATUS_BY_KIND } from '../../../kernel/errors';
import { ADMIN_ACCESS, AdminGuard } from '../admin.guard';
import { ApiAccess } from '../api-docs/api-operation';
import { Caller } from '../customers/caller';
import { CUSTOMER_ACCESS, CustomerGuard } from '../customers/customer.guard';

/**
 * Who may see a console page's data: the same rules as the JSON endpoints behind it. A request without
 * credentials that would need some gets the page without data (`sign-in`): the page's script asks for the
 * token and fetches the page again with it in the Authorization header. A request whose credentials are
 * refused, or a console that is closed (no admin token configured), gets the refusal.
 */
export type PageAccess = { kind: 'granted'; caller: Caller } | { kind: 'sign-in' } | { kind: 'refused'; status: number; message: string };

/** For /docs: a page takes the JSON endpoints' credentials and answers its refusals as pages. */
export const CONSOLE_CUSTOMER_ACCESS: ApiAccess = { schemes: CUSTOMER_ACCESS.schemes, errors: [] };
export const CONSOLE_ADMIN_ACCESS: ApiAccess = { schemes: ADMIN_ACCESS.schemes, errors: [] };

@Injectable()
export class ConsoleAccess {
  constructor(
    private readonly customers: CustomerGuard,
    private readonly admin: AdminGuard,
  ) {}

  /** Pages of customer data: a customer's own, anyone's for the admin (or anybody with CUSTOMER_AUTH=off). */
  async forCustomerData(request: FastifyRequest): Promise<PageAccess> {
    try {
      return { kind: 'granted', caller: await this.customers.callerOf(request) };
    } catch (error) {
      return refusal(request, error);
    }
  }

  /** Operator pages (dead letters): the admin token only. */
  forAdmin(request: FastifyRequest): PageAccess {
    try {
      this.admin.mustBeAdmin(request);
      return { kind: 'granted', caller: { kind: 'admin' } };
    } catch (error) {
      return refusal(request, error);
    }
  }
}

/** No credentials yet: ask for them, unless no token could open the page (admin disabled). */
function refusal(request: FastifyRequest, error: unknown): PageAccess {
  if (!(error instanceof AppError)) throw error;
  if (request.headers.authorization === undefined && error.code !== 'ADMIN_DISABLED') return { kind: 'sign-in' };
  return { kind: 'refused', status: HTTP_STATUS_BY_KIND[error.kind], message: error.message };
}
