-- SOP-60 Parent Contact account in treatment: group is Parent Contact and last_engagement_date
-- is not NULL.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Parent Contact' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'Parent Contact with engagement on ' || {{ txt('last_engagement_date') }} as detail
    from facts
    where in_parent_contact
        and last_engagement_date is not null

)

select * from hits
