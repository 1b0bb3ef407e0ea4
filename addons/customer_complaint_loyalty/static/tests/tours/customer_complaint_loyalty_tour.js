import {
    amountAndReasonSteps,
    newCompensationSteps,
    proposeCompensationSteps,
} from "@customer_complaint/../tests/tours/customer_complaint_tour";
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("customer_complaint_loyalty_coupon_tour", {
    steps: () => [
        ...newCompensationSteps(),
        {
            content: "A coupon",
            trigger: ".o_field_widget[name=compensation_type] select",
            run: 'select "coupon"',
        },
        {
            content: "Search the coupon program",
            trigger: ".o_field_widget[name=coupon_program_id] input",
            run: "edit Tour Apology",
        },
        {
            content: "Choose the coupon program",
            trigger:
                ".o-autocomplete--dropdown-item a:contains('Tour Apology Coupons')",
            run: "click",
        },
        ...amountAndReasonSteps(
            "600",
            "Broken on arrival: a coupon for the next order."
        ),
        {
            content: "The coupon holds the amount in points",
            trigger: ".o_field_widget[name=coupon_points]:contains('1,200')",
        },
        ...proposeCompensationSteps(),
    ],
});
