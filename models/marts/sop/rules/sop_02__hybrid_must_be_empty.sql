-- SOP-02 Hybrid must be empty: group is Hybrid.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Hybrid' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in Hybrid, a group that must be empty' as detail
    from facts
    where in_hybrid

)

select * from hits
