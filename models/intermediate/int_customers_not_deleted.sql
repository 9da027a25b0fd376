-- One row per non-deleted customer: the columns int_customer_facts carries from
-- the customer record. A table of its own so that the facts' joins see its true
-- row count: DuckDB estimates any filter (here `not is_deleted`) at a fifth of
-- the rows, so on the filtered staging model (view or table) it built its hash
-- tables on the customers' side, builds nested in builds, and that plan cannot spill (out of memory at 5M
-- customers with memory_limit=2GB); with this table it probes one pipeline
-- through the seven facts tables, which spills (docs/notes/perf.md, Session 4: facts).

with

customers as (

    select
        customer_id,
        chart_num,
        status,
        created_date
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

final as (

    select * from customers

)

select * from final
