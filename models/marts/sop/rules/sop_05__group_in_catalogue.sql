-- SOP-05 Group is in the SOP catalogue: a group name is not in the catalogue.
-- Evaluated per membership; one hit per customer. group_name: the unknown group,
-- or all the customer's groups when several are unknown.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

memberships as (

    select * from {{ ref('int_customer_group_memberships') }}

),

holding as (

    select
        customer_id,
        count(*) as holding_count,
        min(group_name) as holding_group,
        {{ dbt.listagg('group_name', "''', '''", 'order by ' ~ binary_sort_key('group_name')) }} as holding_names
    from memberships
    where not is_in_catalogue
    group by customer_id

),

hits as (

    select
        facts.customer_id,
        case when holding.holding_count = 1 then holding.holding_group else facts.group_names end as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'group(s) not in the catalogue: ''' || holding.holding_names || '''' as detail
    from holding
    inner join facts
        on holding.customer_id = facts.customer_id

)

select * from hits
