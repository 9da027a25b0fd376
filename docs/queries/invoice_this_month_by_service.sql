-- This month's invoice by service: the latest month in the marts, which is the
-- month of the as-of date and counts activity up to that date only
-- (is_as_of_month). To invoice a complete month, replace the subquery with its
-- first day, e.g. date '2026-10-01'.
select
    invoice_month,
    service,
    billable_customers,
    billable_units,
    missed_sessions,
    billable_customers_with_findings,
    billable_units_with_findings,
    is_as_of_month
from juvonno_invoicing.rpt_invoice_monthly
where invoice_month = (select max(invoice_month) from juvonno_invoicing.rpt_invoice_monthly)
order by service;
