-- SOP-03 Lost Sheep must be empty: group is Lost Sheep.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Lost Sheep' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in Lost Sheep, a group that must be empty' as detail
    from facts
    where in_lost_sheep

)

select * from hits
