import type { SqlWarehouse } from '../../warehouse/warehouse.ts';
import type { FunnelQuery, FunnelRow } from '../funnel/funnel.ts';

export async function renderHtmlReport(
  _w: SqlWarehouse,
  _rows: FunnelRow[],
  _q: FunnelQuery,
): Promise<string> {
  return '<!doctype html><title>BookFlow funnel</title>';
}
