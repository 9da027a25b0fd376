-- Month-on-month change in billable units and customers per service: each
-- month against the calendar month before it. A service without a row in a
-- month had no activity there and counts as 0.
with

invoice as (
    select invoice_month, service, billable_customers, billable_units
    from juvonno_invoicing.rpt_invoice_monthly
),

compared as (
    select
        coalesce(this_month.invoice_month, cast(previous_month.invoice_month + interval '1 month' as date))
            as invoice_month,
        coalesce(this_month.service, previous_month.service) as service,
        coalesce(this_month.billable_units, 0) as billable_units,
        coalesce(previous_month.billable_units, 0) as previous_month_units,
        coalesce(this_month.billable_customers, 0) as billable_customers,
        coalesce(previous_month.billable_customers, 0) as previous_month_customers
    from invoice as this_month
    full outer join invoice as previous_month
        on this_month.service = previous_month.service
        and previous_month.invoice_month = cast(this_month.invoice_month - interval '1 month' as date)
)

select
    invoice_month,
    service,
    billable_units,
    previous_month_units,
    billable_units - previous_month_units as change_in_units,
    billable_customers,
    previous_month_customers,
    billable_customers - previous_month_customers as change_in_customers
from compared
where invoice_month <= (select max(invoice_month) from invoice)
order by invoice_month desc, service;
