-- SOP-103 In Therapy with no therapy offered: group is Therapy and therapy_offers = 0.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Therapy' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in Therapy, no therapy appointment offered' as detail
    from facts
    where in_therapy
        and therapy_offers = 0

)

select * from hits
