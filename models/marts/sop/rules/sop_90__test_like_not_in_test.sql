-- SOP-90 Test, admin and commissioner accounts belong in Test: test_like and a group of the
-- customer is not Test (No Group included). Evaluated per membership; one hit per
-- customer. group_name: the group, or all the customer's groups when several hold.
-- Settings: vars.sop_rules.sop_90__test_like_not_in_test in dbt_project.yml.

{%- set expected_group = rule_setting('expected_group') %}

with

facts as (

    select * from {{ ref('int_customer_facts') }}
    where is_test_like

),

memberships as (

    select * from {{ ref('int_customer_group_memberships') }}

),

holding as (

    select
        memberships.customer_id,
        count(*) as holding_count,
        min(memberships.group_name) as holding_group,
        {{ dbt.listagg('memberships.group_name', "'; '", 'order by ' ~ binary_sort_key('memberships.group_name')) }}
            as holding_names
    from memberships
    inner join facts
        on memberships.customer_id = facts.customer_id
    where memberships.group_name <> {{ text_literal(expected_group) }}
    group by memberships.customer_id

),

hits as (

    select
        facts.customer_id,
        case when holding.holding_count = 1 then holding.holding_group else facts.group_names end as group_name,
        {{ text_literal(expected_group) }} as expected_group,
        case
            when facts.is_commissioner then 'commissioner account'
            else 'test-like account'
        end || ' in ' || holding.holding_names as detail
    from holding
    inner join facts
        on holding.customer_id = facts.customer_id

)

select * from hits
