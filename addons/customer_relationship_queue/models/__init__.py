from . import customer_work
from . import customer_profile
from . import customer_profile_queue
