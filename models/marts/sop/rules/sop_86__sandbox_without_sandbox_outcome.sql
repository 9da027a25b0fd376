-- SOP-86 Sandbox without a Sandbox-website triage outcome: group is Sandbox and triage_outcome
-- is not `Sandbox website` (or is NULL).

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Sandbox' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        case when triage_outcome is null then 'no triage outcome recorded' else 'latest triage outcome: ' || triage_outcome end as detail
    from facts
    where in_sandbox
        and coalesce(triage_outcome, '') <> 'Sandbox website'

)

select * from hits
