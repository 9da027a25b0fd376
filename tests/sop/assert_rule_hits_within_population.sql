-- A rule hits only customers of its population: hits never exceed the
-- denominator. A row here means a rule's population (sop_rules.population) is
-- narrower than its condition.

with

populations as (

    select * from {{ ref('sop_rule_populations') }}

)

select
    rule_id,
    population,
    population_size,
    hits
from populations
where hits > coalesce(population_size, 0)
