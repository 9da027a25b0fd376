-- SOP-110 Status matches the group: the group has an SOP status in the catalogue and the
-- customer's status differs from it. Groups without an SOP status are skipped.
-- Evaluated per membership; one hit per customer. expected_group holds the
-- expected status (the catalogue's), `; `-joined when several groups disagree.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

memberships as (

    select * from {{ ref('int_customer_group_memberships') }}
    where sop_status is not null
        and sop_status <> customer_status

),

expected_statuses as (

    select distinct
        customer_id,
        sop_status
    from memberships

),

expected as (

    select
        customer_id,
        {{ dbt.listagg('sop_status', "'; '", 'order by ' ~ binary_sort_key('sop_status')) }} as expected_status
    from expected_statuses
    group by customer_id

),

holding as (

    select
        customer_id,
        count(*) as holding_count,
        min(group_name) as holding_group,
        {{ dbt.listagg(
            "group_name || ' expects ' || sop_status", "', '", 'order by ' ~ binary_sort_key('group_name')
        ) }} as holding_text
    from memberships
    group by customer_id

),

hits as (

    select
        facts.customer_id,
        case when holding.holding_count = 1 then holding.holding_group else facts.group_names end as group_name,
        expected.expected_status as expected_group,
        'status ' || facts.status || ', ' || holding.holding_text as detail
    from holding
    inner join facts
        on holding.customer_id = facts.customer_id
    inner join expected
        on holding.customer_id = expected.customer_id

)

select * from hits
