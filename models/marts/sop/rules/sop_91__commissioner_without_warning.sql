-- SOP-91 Commissioner without a warning note: commissioner by e-mail domain and the warnings
-- text holds neither the word `commissioner` nor `commissioners`. About the customer as a whole.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        group_names as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'commissioner e-mail domain, no commissioner warning note' as detail
    from facts
    where is_commissioner_by_domain
        and not has_commissioner_warning

)

select * from hits
