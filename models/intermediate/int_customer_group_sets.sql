-- The snapshot's source: one row per non-deleted customer in this export, with
-- its sorted group set and the export's as-of date as the snapshot time.

select
    customer_id,
    group_names as group_set,
    cast({{ as_of_date() }} as {{ dbt.type_timestamp() }}) as as_of_at
from {{ ref('int_customer_groups') }}
