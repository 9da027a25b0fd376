{#-
    The schedule_types seed says per schedule type whether its service is
    invoiced; the invoice reasons per service, so every schedule type of a
    service must say the same. Returns each service that is invoiced in one
    schedule type and not in another.
-#}
{{ config(severity='error', tags=['invoicing']) }}

select
    service,
    count(distinct is_invoiced) as invoiced_values
from {{ ref('schedule_types') }}
group by service
having count(distinct is_invoiced) > 1
